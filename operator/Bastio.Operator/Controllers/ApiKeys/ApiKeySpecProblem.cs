namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>Why an ApiKey cannot be served as written; reported as phase Invalid and in the Ready condition.</summary>
internal sealed record ApiKeySpecProblem(string Reason, string Message)
{
    public const string ProxyNotFound = "ProxyNotFound";
    public const string ProxyInvalid = "ProxyInvalid";
    public const string PlanNotFound = "PlanNotFound";
    public const string InvalidSpec = "InvalidSpec";
}
