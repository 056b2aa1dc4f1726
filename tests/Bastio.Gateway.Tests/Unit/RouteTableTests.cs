using Bastio.Gateway.Routing;

namespace Bastio.Gateway.Tests.Unit;

public sealed class RouteTableTests
{
    [Theory]
    [InlineData("POST", "/v1/chat/completions", "chat")]
    [InlineData("GET", "/v1/chat/completions/abc", "chat")]
    [InlineData("POST", "/v1/responses", "chat")]
    [InlineData("POST", "/v1/messages", "chat")]
    [InlineData("POST", "/v1/messages/count_tokens", "chat")]
    [InlineData("POST", "/v1/completions", "completions")]
    [InlineData("POST", "/v1/embeddings", "embeddings")]
    [InlineData("POST", "/v1/images/generations", "images")]
    [InlineData("POST", "/v1/audio/transcriptions", "audio")]
    [InlineData("GET", "/v1/models", "models")]
    [InlineData("GET", "/v1/models/gpt-4o", "models")]
    [InlineData("GET", "/v1/usage", "analytics")]
    [InlineData("DELETE", "/v1/models/ft-1", "admin")]
    [InlineData("POST", "/v1/fine_tuning/jobs", "admin")]
    [InlineData("POST", "/v1/imagesX", "admin")]
    [InlineData("GET", "/v1/chat/completions", "admin")]
    public void Each_route_needs_its_permission(string method, string path, string permission)
    {
        PermissionNames.ToName(RouteTable.Match(method, path)!.Permission).Should().Be(permission);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/v2/chat/completions")]
    [InlineData("/v1x/models")]
    public void Paths_outside_v1_match_nothing(string path) => RouteTable.Match("GET", path).Should().BeNull();

    [Fact]
    public void Admin_allows_every_route_and_other_permissions_only_their_own()
    {
        RouteTable.Embeddings.IsAllowed(Permissions.Admin).Should().BeTrue();
        RouteTable.Other.IsAllowed(Permissions.Admin).Should().BeTrue();
        RouteTable.Embeddings.IsAllowed(Permissions.Chat | Permissions.Models).Should().BeFalse();
        RouteTable.Other.IsAllowed(PermissionNames.Default).Should().BeFalse();
    }
}
