namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>Why finished tests are skipped for now: each reason names what another component must fix first.</summary>
public static class Pending
{
    public const string OperatorReconcilesNewApiKeys =
        "The operator's apikey controller stops shortly after start-up (its log says 'Controller apikey stopped'), " +
        "so ApiKeys created afterwards stay Pending. Reported to the lead; remove this Skip once the operator keeps reconciling.";

    public const string OperatorHonoursRotateGrace =
        "Needs the operator to honour the bastio.io/rotate-grace annotation that `keys regenerate` sets (contract reported to the lead).";
}
