using Bastio.Crds.Vocabulary;

namespace Bastio.Gateway.Routing;

/// <summary>ApiKey <c>spec.permissions</c> as bits, so a check is one AND on the hot path.</summary>
[Flags]
internal enum Permissions : ushort
{
    None = 0,
    Chat = 1 << 0,
    Completions = 1 << 1,
    Embeddings = 1 << 2,
    Images = 1 << 3,
    Audio = 1 << 4,
    Models = 1 << 5,
    Analytics = 1 << 6,
    Admin = 1 << 7,
}

internal static class PermissionNames
{
    /// <summary>
    /// What a key may do when neither it nor its Proxy's defaults list permissions: every inference
    /// route, so an SDK works unchanged; <c>analytics</c> and <c>admin</c> must be granted explicitly.
    /// </summary>
    public const Permissions Default = Permissions.Chat | Permissions.Completions | Permissions.Embeddings
        | Permissions.Images | Permissions.Audio | Permissions.Models;

    public static string ToName(Permissions permission) => permission switch
    {
        Permissions.Chat => ApiKeyPermissions.Chat,
        Permissions.Completions => ApiKeyPermissions.Completions,
        Permissions.Embeddings => ApiKeyPermissions.Embeddings,
        Permissions.Images => ApiKeyPermissions.Images,
        Permissions.Audio => ApiKeyPermissions.Audio,
        Permissions.Models => ApiKeyPermissions.Models,
        Permissions.Analytics => ApiKeyPermissions.Analytics,
        Permissions.Admin => ApiKeyPermissions.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Not a single permission."),
    };

    public static bool TryParse(string name, out Permissions permission)
    {
        permission = name switch
        {
            ApiKeyPermissions.Chat => Permissions.Chat,
            ApiKeyPermissions.Completions => Permissions.Completions,
            ApiKeyPermissions.Embeddings => Permissions.Embeddings,
            ApiKeyPermissions.Images => Permissions.Images,
            ApiKeyPermissions.Audio => Permissions.Audio,
            ApiKeyPermissions.Models => Permissions.Models,
            ApiKeyPermissions.Analytics => Permissions.Analytics,
            ApiKeyPermissions.Admin => Permissions.Admin,
            _ => Permissions.None,
        };
        return permission != Permissions.None;
    }

    /// <summary>Parses a list; unknown names are reported so the snapshot builder can log them.</summary>
    public static Permissions Parse(IEnumerable<string> names, out string? unknown)
    {
        unknown = null;
        var result = Permissions.None;
        foreach (var name in names)
        {
            if (TryParse(name, out var permission))
            {
                result |= permission;
            }
            else
            {
                unknown ??= name;
            }
        }

        return result;
    }
}
