namespace Bastio.Crds.Validation;

/// <summary>Why a spec cannot be used: a condition reason (CamelCase) and a message for people.</summary>
/// <remarks>Messages never repeat a value that may hold a credential (such as a URL's user information).</remarks>
public sealed record SpecProblem(string Reason, string Message);
