using System.Globalization;
using System.Text.Json;
using Bastio.Core.Time;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Errors;
using Bastio.Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Limits;

/// <summary>The answers to a refused admission and the limit and budget part of <c>/v1/usage</c>.</summary>
internal static class LimitResponses
{
    public static readonly GatewayError TokenLimitExceeded = new(429, "rate_limit_error", "token_limit_exceeded",
        "Token limit exceeded for this API key; retry after the time in the Retry-After header.");

    /// <summary>OpenAI's own answer for spent credit; SDKs do not retry it.</summary>
    public static readonly GatewayError InsufficientQuota = new(429, "insufficient_quota", "insufficient_quota",
        "This API key has spent its budget for the current period; requests are refused until the next period starts.");

    public static readonly GatewayError StoreUnavailable = new(503, "service_unavailable", "rate_limit_store_unavailable",
        "The gateway could not reach its rate-limit store in time; retry shortly.");

    /// <summary>Answers a refusal other than the request limit; returns the reason for the access log.</summary>
    public static async Task<string> WriteRefusalAsync(HttpResponse response, Admission admission, KeyLimits limits, TimeProvider time)
    {
        switch (admission.Refusal)
        {
            case Refusal.Tokens when admission.Tokens is { } tokens && limits.Tokens is { } shape:
                // Admitted again once the counter has drained below the limit, one token short of full drain time.
                var wait = tokens.Reset - TimeSpan.FromTicks((shape.Tokens - 1) * shape.Period.Ticks / shape.Tokens);
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                response.Headers[RateLimitHeaders.RetryAfter] = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                response.Headers[RateLimitHeaders.RetryAfterMilliseconds] = ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
                var message = TokenLimitExceeded with { Message = $"Token limit exceeded for this API key: {shape.Tokens} tokens per {RateLimitPeriods.NameOf(shape.Period)}; retry after the time in the Retry-After header." };
                await ErrorResponseWriter.WriteAsync(response, message, tokens, static (json, state) =>
                {
                    json.WriteNumber("limit_tokens", state.Limit);
                    json.WriteNumber("remaining_tokens", state.Remaining);
                }).ConfigureAwait(false);
                return TokenLimitExceeded.Code;
            case Refusal.Budget when limits.Budget is { } budget && admission.Usage is { } usage:
                response.Headers[ErrorResponseWriter.ShouldRetryHeader] = "false";
                var resets = UsagePeriods.End(budget.Period, usage.PeriodStart);
                response.Headers[RateLimitHeaders.RetryAfter] = ((long)Math.Ceiling(Math.Max(0, (resets - time.GetUtcNow()).TotalSeconds))).ToString(CultureInfo.InvariantCulture);
                await ErrorResponseWriter.WriteAsync(response, InsufficientQuota, (budget, usage, resets), static (json, state) =>
                {
                    json.WriteString("budget", ModelPricing.FormatUsd(state.budget.AmountNanos));
                    json.WriteString("spent", ModelPricing.FormatUsd(state.usage.CostNanos));
                    json.WriteString("period", state.budget.Period.ToString().ToLowerInvariant());
                    json.WriteString("resetTime", state.resets.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                }).ConfigureAwait(false);
                return InsufficientQuota.Code;
            default:
                await ErrorResponseWriter.WriteAsync(response, StoreUnavailable).ConfigureAwait(false);
                return StoreUnavailable.Code;
        }
    }

    /// <summary>The <c>limits</c> member of <c>/v1/usage</c>: token limit, and period usage with cost and budget.</summary>
    public static void WriteUsage(Utf8JsonWriter json, Admission admission, KeyLimits? limits)
    {
        if (admission.Tokens is { } tokens)
        {
            json.WriteStartObject("token_limit");
            json.WriteNumber("limit", tokens.Limit);
            json.WriteNumber("remaining", tokens.Remaining);
            json.WriteString("reset", GoDuration.Format(TimeSpan.FromMilliseconds(Math.Ceiling(tokens.Reset.TotalMilliseconds))));
            json.WriteEndObject();
        }

        if (admission.Usage is { } usage && limits is not null)
        {
            json.WriteStartObject("period");
            json.WriteString("kind", limits.UsagePeriod.ToString().ToLowerInvariant());
            json.WriteString("start", usage.PeriodStart.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteNumber("tokens", usage.Tokens);
            json.WriteString("cost_usd", ModelPricing.FormatUsd(usage.CostNanos));
            json.WriteNumber("unpriced_requests", usage.UnpricedRequests);
            if (limits.Budget is { } budget)
            {
                json.WriteString("budget_usd", ModelPricing.FormatUsd(budget.AmountNanos));
                json.WriteNumber("budget_used_percent", budget.AmountNanos == 0 ? 100 : (long)Math.Floor((decimal)usage.CostNanos * 100 / budget.AmountNanos));
            }

            json.WriteEndObject();
        }
    }
}
