using Bastio.Core.Keys;

namespace Bastio.Crds.Vocabulary;

// The closed sets of values the resources use: the one definition. The CRD enums are generated from
// these constants, and the operator, gateway and plugin compare against them, so all four agree with
// what the API server enforces. Only string constants here become CRD enum values; helpers may sit beside them.

/// <summary><c>Proxy.spec.provider</c>.</summary>
public static class Providers
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string AzureOpenAI = "azure-openai";
    public const string OpenAICompatible = "openai-compatible";

    public static readonly IReadOnlyList<string> All = [OpenAI, Anthropic, AzureOpenAI, OpenAICompatible];

    public static bool TryParse(string? provider, out ProviderKind kind)
    {
        (var known, kind) = provider switch
        {
            OpenAI => (true, ProviderKind.OpenAI),
            OpenAICompatible => (true, ProviderKind.OpenAICompatible),
            Anthropic => (true, ProviderKind.Anthropic),
            AzureOpenAI => (true, ProviderKind.AzureOpenAI),
            _ => (false, default),
        };
        return known;
    }
}

/// <summary><c>Proxy.spec.provider</c> parsed: decides which header carries the provider key.</summary>
public enum ProviderKind
{
    OpenAI,
    OpenAICompatible,
    Anthropic,
    AzureOpenAI,
}

/// <summary><c>Proxy.spec.environment</c>.</summary>
public static class ProxyEnvironments
{
    public const string Production = "production";
    public const string Staging = "staging";
    public const string Development = "development";

    /// <summary>Maps <c>spec.environment</c> (null or empty means production) to its keys' segment.</summary>
    public static bool TryParse(string? environment, out KeyEnvironment keyEnvironment)
    {
        (var known, keyEnvironment) = environment switch
        {
            null or "" or Production => (true, KeyEnvironment.Live),
            Staging => (true, KeyEnvironment.Test),
            Development => (true, KeyEnvironment.Dev),
            _ => (false, default),
        };
        return known;
    }
}

/// <summary>Entries of <c>spec.permissions</c>.</summary>
public static class ApiKeyPermissions
{
    public const string Chat = "chat";
    public const string Completions = "completions";
    public const string Embeddings = "embeddings";
    public const string Images = "images";
    public const string Audio = "audio";
    public const string Models = "models";
    public const string Analytics = "analytics";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Chat, Completions, Embeddings, Images, Audio, Models, Analytics, Admin];
}

/// <summary><c>rateLimit.period</c>.</summary>
public static class RateLimitPeriods
{
    public const string Second = "second";
    public const string Minute = "minute";
    public const string Hour = "hour";
    public const string Day = "day";

    public static readonly IReadOnlyList<string> All = [Second, Minute, Hour, Day];

    /// <summary>The period's length; null for anything that is not a period.</summary>
    public static TimeSpan? Length(string? period) => period switch
    {
        Second => TimeSpan.FromSeconds(1),
        Minute => TimeSpan.FromMinutes(1),
        Hour => TimeSpan.FromHours(1),
        Day => TimeSpan.FromDays(1),
        _ => null,
    };

    /// <summary>The name of a period <see cref="Length"/> returned.</summary>
    public static string NameOf(TimeSpan length) => length.TotalSeconds switch
    {
        1 => Second,
        60 => Minute,
        3600 => Hour,
        _ => Day,
    };
}

/// <summary><c>budget.period</c>: calendar periods in UTC.</summary>
public static class BudgetPeriods
{
    public const string Day = "day";
    public const string Week = "week";
    public const string Month = "month";
}

/// <summary><c>ApiKey.status.phase</c>.</summary>
public static class ApiKeyPhases
{
    public const string Pending = "Pending";
    public const string Active = "Active";
    public const string Disabled = "Disabled";
    public const string Expired = "Expired";
    public const string Revoked = "Revoked";
    public const string Invalid = "Invalid";

    public static readonly IReadOnlyList<string> All = [Pending, Active, Disabled, Expired, Revoked, Invalid];
}

/// <summary><c>ProviderKey.status.phase</c>.</summary>
public static class ProviderKeyPhases
{
    public const string Active = "Active";
    public const string Migrating = "Migrating";
    public const string Retired = "Retired";
    public const string Disabled = "Disabled";
    public const string Invalid = "Invalid";
}
