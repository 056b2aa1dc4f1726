namespace Bastio.LocalRun.Processes;

/// <summary>
/// Child output goes to files, never the console: <c>logs/&lt;component&gt;.log</c> per component and
/// <c>logs/all.log</c> interleaved, each line prefixed with the component's name.
/// </summary>
internal sealed class LogSink : IDisposable
{
    private readonly string _directory;
    private readonly StreamWriter _all;
    private readonly Dictionary<string, StreamWriter> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<string>> _recent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public LogSink(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _all = Open("all");
    }

    public string PathOf(string component) => Path.Combine(_directory, $"{component}.log");

    public void Write(string component, string line)
    {
        var prefixed = $"{component,-8} | {line}";
        lock (_lock)
        {
            if (!_components.TryGetValue(component, out var writer))
            {
                writer = Open(component);
                _components[component] = writer;
                _recent[component] = new();
            }

            writer.WriteLine(prefixed);
            _all.WriteLine(prefixed);
            var recent = _recent[component];
            recent.Enqueue(line);
            if (recent.Count > 15)
            {
                recent.Dequeue();
            }
        }
    }

    /// <summary>The component's last lines, shown on the console when it fails.</summary>
    public IReadOnlyList<string> Tail(string component)
    {
        lock (_lock)
        {
            return _recent.TryGetValue(component, out var recent) ? [.. recent] : [];
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var writer in _components.Values)
            {
                writer.Dispose();
            }

            _all.Dispose();
        }
    }

    private StreamWriter Open(string name) =>
        new(new FileStream(PathOf(name), FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
}
