namespace Bastio.Core.Encryption;

/// <summary>
/// The object a ciphertext belongs to. It is the AES-GCM associated data, so a ciphertext copied to
/// another object (or to a re-created object with the same name but a new uid) does not decrypt.
/// </summary>
public sealed record CiphertextBinding
{
    public CiphertextBinding(string kind, string @namespace, string name, string uid)
    {
        Kind = Require(kind, nameof(kind), allowEmpty: false);
        Namespace = Require(@namespace, nameof(@namespace), allowEmpty: true);
        Name = Require(name, nameof(name), allowEmpty: false);
        Uid = Require(uid, nameof(uid), allowEmpty: false);
    }

    public string Kind { get; }

    /// <summary>Empty for cluster-scoped objects.</summary>
    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    /// <summary><c>kind/namespace/name/uid</c>: the associated data, and safe to show in errors.</summary>
    public override string ToString() => $"{Kind}/{Namespace}/{Name}/{Uid}";

    // '/' cannot occur in Kubernetes kinds, namespaces, names or uids; refusing it keeps the encoding unambiguous.
    private static string Require(string value, string parameter, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (!allowEmpty && value.Length == 0)
        {
            throw new ArgumentException("Must not be empty.", parameter);
        }

        if (value.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("Must not contain '/'.", parameter);
        }

        return value;
    }
}
