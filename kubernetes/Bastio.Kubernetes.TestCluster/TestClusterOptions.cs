namespace Bastio.Kubernetes.TestCluster;

/// <summary>Settings for <see cref="TestClusterServer"/>.</summary>
public sealed class TestClusterOptions
{
    /// <summary>The HTTPS port on 127.0.0.1; 0 picks a free one (tests), 16443 for <c>make cluster</c>.</summary>
    public int Port { get; set; }

    /// <summary>Namespaces created at start.</summary>
    public List<string> Namespaces { get; } = ["default"];

    /// <summary>Every <c>*.yaml</c> CustomResourceDefinition in this directory is applied at start.</summary>
    public string? CrdDirectory { get; set; }

    /// <summary>Events kept for watch resumption; a watch from an older version gets 410 Expired.</summary>
    public int WatchHistorySize { get; set; } = 10_000;

    /// <summary>How often watches that allow bookmarks receive one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for timestamps, ages, bookmarks and watch timeouts; tests may fake it.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
