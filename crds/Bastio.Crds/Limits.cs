using System.Text.Json.Serialization;
using Bastio.Crds.Schema;
using Bastio.Crds.Vocabulary;

namespace Bastio.Crds;

[Description("A limit on the tokens a key may use: the provider-reported prompt and completion tokens drain it, and it refills continuously at tokens per period. A request is admitted while the key is not in deficit; its tokens are charged when its response ends.")]
public sealed class TokenLimit
{
    [JsonPropertyName("tokens")]
    [Required]
    [Range(Minimum = 1)]
    [Description("Tokens (prompt plus completion) allowed per period; more than 0.")]
    public long Tokens { get; set; }

    /// <summary>second | minute | hour | day.</summary>
    [JsonPropertyName("period")]
    [Enum(typeof(RateLimitPeriods))]
    [Default(RateLimitPeriods.Minute)]
    [Description("The period the tokens refill over: second, minute, hour or day.")]
    public string Period { get; set; } = "minute";
}

[Description("A spending limit in US dollars per calendar period (UTC), costed with the Proxy's spec.pricing.")]
public sealed class Budget
{
    /// <summary>USD as a decimal string, e.g. <c>"25"</c> or <c>"12.50"</c>.</summary>
    [JsonPropertyName("amount")]
    [Required]
    [Pattern(Patterns.Decimal)]
    [Length(Max = 20)]
    [Description("US dollars the key may spend per period, as a decimal string such as \"25\" or \"12.50\". When spent, requests are refused with 429 insufficient_quota until the next period.")]
    public string Amount { get; set; } = "";

    /// <summary>day | week | month.</summary>
    [JsonPropertyName("period")]
    [Enum(typeof(BudgetPeriods))]
    [Default(BudgetPeriods.Month)]
    [Description("Calendar period in UTC the budget resets on: day, week (from Monday) or month.")]
    public string Period { get; set; } = BudgetPeriods.Month;

    [JsonPropertyName("alertThresholds")]
    [Range(Minimum = 1, Maximum = 100)]
    [Items(Min = 1, Max = 10)]
    [ListSet]
    [Description("Percentages of the amount, e.g. [50, 80, 100]; crossing one emits one BudgetThresholdReached Event on the ApiKey per period.")]
    public List<int>? AlertThresholds { get; set; }
}

[Description("The price of a model in US dollars per million tokens.")]
public sealed class ModelPrice
{
    /// <summary>Exact model name, or a prefix ending in <c>*</c>.</summary>
    [JsonPropertyName("model")]
    [Required]
    [Pattern(@"^[^*]*\*?$")]
    [Length(Min = 1, Max = 256)]
    [Description("The model name as the provider reports it; a trailing * matches every model starting with what precedes it. The longest match wins.")]
    public string Model { get; set; } = "";

    [JsonPropertyName("inputPerMillion")]
    [Required]
    [Pattern(Patterns.Decimal)]
    [Length(Max = 20)]
    [Description("US dollars per million prompt (input) tokens, as a decimal string such as \"2.50\".")]
    public string InputPerMillion { get; set; } = "";

    [JsonPropertyName("outputPerMillion")]
    [Required]
    [Pattern(Patterns.Decimal)]
    [Length(Max = 20)]
    [Description("US dollars per million completion (output) tokens, as a decimal string such as \"10\".")]
    public string OutputPerMillion { get; set; } = "";
}

[Description("What the key used in the current period, as last reported by a gateway.")]
public sealed class ApiKeyUsage
{
    [JsonPropertyName("periodStart")]
    [Description("Start (UTC) of the budget period the figures belong to.")]
    public string? PeriodStart { get; set; }

    [JsonPropertyName("tokens")]
    [Range(Minimum = 0)]
    [Description("Prompt plus completion tokens reported by the provider this period.")]
    public long? Tokens { get; set; }

    [JsonPropertyName("cost")]
    [Description("US dollars spent this period, as a decimal string.")]
    public string? Cost { get; set; }

    [JsonPropertyName("budgetUsedPercent")]
    [Range(Minimum = 0)]
    [Description("Cost as a percentage of spec.budget.amount; unset without a budget.")]
    public long? BudgetUsedPercent { get; set; }

    [JsonPropertyName("unpricedRequests")]
    [Range(Minimum = 0)]
    [Description("Requests this period for models the Proxy's spec.pricing does not price: counted, not costed.")]
    public long? UnpricedRequests { get; set; }

    [JsonPropertyName("updatedAt")]
    [Description("When a gateway last wrote these figures (RFC 3339).")]
    public string? UpdatedAt { get; set; }
}
