using System.Globalization;

namespace Bastio.Gateway.Limits;

/// <summary>
/// A Proxy's <c>spec.pricing</c>: exact model names, then prefixes (a trailing <c>*</c>) longest first.
/// Prices are kept as <see cref="decimal"/> US dollars per million tokens so the decimal strings of the
/// spec are used exactly; a request's cost is rounded up to a whole nanodollar so nothing priced is free.
/// </summary>
internal sealed class ModelPricing
{
    private readonly Dictionary<string, (decimal Input, decimal Output)> _exact;
    private readonly (string Prefix, decimal Input, decimal Output)[] _prefixes;

    private ModelPricing(Dictionary<string, (decimal, decimal)> exact, (string, decimal, decimal)[] prefixes)
    {
        _exact = exact;
        _prefixes = prefixes;
    }

    /// <summary>Null when an entry is unusable (the API server's pattern makes that an old or hand-made object).</summary>
    public static ModelPricing? TryCreate(IEnumerable<(string Model, string InputPerMillion, string OutputPerMillion)> entries)
    {
        var exact = new Dictionary<string, (decimal, decimal)>(StringComparer.Ordinal);
        var prefixes = new List<(string, decimal, decimal)>();
        foreach (var (model, input, output) in entries)
        {
            if (!TryParseUsd(input, out var inputPrice) || !TryParseUsd(output, out var outputPrice) || model.Length == 0)
            {
                return null;
            }

            if (model.EndsWith('*'))
            {
                prefixes.Add((model[..^1], inputPrice, outputPrice));
            }
            else
            {
                exact[model] = (inputPrice, outputPrice);
            }
        }

        return new ModelPricing(exact, [.. prefixes.OrderByDescending(prefix => prefix.Item1.Length)]);
    }

    /// <summary>A non-negative decimal string of US dollars, as the CRD pattern allows.</summary>
    public static bool TryParseUsd(string? text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value >= 0 && value < 1_000_000_000_000m;

    /// <summary>Cost in nanodollars, or null when no entry prices <paramref name="model"/>.</summary>
    public long? CostNanos(string model, long promptTokens, long completionTokens)
    {
        if (!_exact.TryGetValue(model, out var price))
        {
            var match = Array.FindIndex(_prefixes, prefix => model.StartsWith(prefix.Prefix, StringComparison.Ordinal));
            if (match < 0)
            {
                return null;
            }

            price = (_prefixes[match].Input, _prefixes[match].Output);
        }

        // USD per million tokens × tokens = micro-USD; × 1000 = nanodollars.
        var nanos = ((price.Input * promptTokens) + (price.Output * completionTokens)) * 1000m;
        return nanos >= long.MaxValue ? long.MaxValue : (long)decimal.Ceiling(nanos);
    }

    /// <summary>Nanodollars as a decimal US dollar string, e.g. <c>0.000125</c>.</summary>
    public static string FormatUsd(long nanos) =>
        (nanos / 1_000_000_000m).ToString("0.#########", CultureInfo.InvariantCulture);
}
