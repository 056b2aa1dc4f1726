namespace Bastio.Gateway.Configuration;

/// <summary>
/// A usable provider credential of a proxy. <see cref="ApiKey"/> is the decrypted key, held only in
/// memory; <see cref="ToString"/> is overridden so it can never reach a log by accident.
/// </summary>
internal sealed class ProviderKeyEntry(string name, string apiKey, int weight, ProviderKeyMigration? migration)
{
    public string Name { get; } = name;

    public string ApiKey { get; } = apiKey;

    /// <summary><c>Bearer &lt;key&gt;</c>, built once per snapshot rather than once per request.</summary>
    public string BearerAuthorization { get; } = "Bearer " + apiKey;

    /// <summary>Share of traffic, 1–100.</summary>
    public int Weight { get; } = weight;

    /// <summary>Set on the new key of a migration in progress.</summary>
    public ProviderKeyMigration? Migration { get; } = migration;

    public override string ToString() => $"ProviderKey {Name} (weight {Weight})";
}

/// <summary>
/// Traffic moves from <see cref="Replaces"/> to the key holding this record linearly from
/// <see cref="StartedAt"/> over <see cref="Duration"/>.
/// </summary>
internal sealed record ProviderKeyMigration(string Replaces, DateTimeOffset StartedAt, TimeSpan Duration)
{
    /// <summary>How far the migration has got, 0 to 1.</summary>
    public double Progress(DateTimeOffset now) =>
        Duration <= TimeSpan.Zero ? 1 : Math.Clamp((now - StartedAt) / Duration, 0, 1);
}
