namespace Bastio.Crds;

// The closed sets of values the resources use. The CRD enums are generated from these constants, so
// the operator and gateway can compare against the same names the API server enforces.

/// <summary><c>Proxy.spec.provider</c>.</summary>
public static class Providers
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string AzureOpenAI = "azure-openai";
    public const string OpenAICompatible = "openai-compatible";
}

/// <summary><c>Proxy.spec.environment</c>.</summary>
public static class ProxyEnvironments
{
    public const string Production = "production";
    public const string Staging = "staging";
    public const string Development = "development";
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
}

/// <summary><c>rateLimit.period</c>.</summary>
public static class RateLimitPeriods
{
    public const string Second = "second";
    public const string Minute = "minute";
    public const string Hour = "hour";
    public const string Day = "day";
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
