using System.Globalization;
using Bastio.Crds;

namespace Bastio.Plugin.Usage;

/// <summary>How an ApiKey's token limit, budget and reported usage read in the plugin's tables.</summary>
public static class UsageText
{
    public static string? TokenLimit(ApiKey key) =>
        key.Spec.TokenLimit is { } limit ? $"{limit.Tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens/{limit.Period}" : null;

    public static string? Budget(ApiKey key) =>
        key.Spec.Budget is { } budget
            ? $"${budget.Amount}/{budget.Period}" + (budget.AlertThresholds is { Count: > 0 } thresholds ? $", alerts at {string.Join(", ", thresholds.Order().Select(percent => percent + "%"))}" : "")
            : null;

    /// <summary>What the gateway last reported for the current period, e.g. <c>1,234 tokens, $0.42 (42% of budget) since 2026-12-01</c>.</summary>
    public static string? Used(ApiKey key)
    {
        if (key.Status?.Usage is not { } usage)
        {
            return null;
        }

        var text = $"{(usage.Tokens ?? 0).ToString("N0", CultureInfo.InvariantCulture)} tokens, ${usage.Cost ?? "0"}";
        if (usage.BudgetUsedPercent is { } percent)
        {
            text += $" ({percent}% of budget)";
        }

        if (usage.UnpricedRequests is > 0 and var unpriced)
        {
            text += $", {unpriced} unpriced requests";
        }

        return text + $" since {usage.PeriodStart?[..10]} (reported {usage.UpdatedAt})";
    }
}
