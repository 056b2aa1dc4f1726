using Bastio.Gateway.Routing;

namespace Bastio.Gateway.Tests.Unit;

public sealed class RouteTableTests
{
    [Theory]
    [InlineData("POST", "/v1/chat/completions", Permissions.Chat)]
    [InlineData("GET", "/v1/chat/completions/abc", Permissions.Chat)]
    [InlineData("POST", "/v1/responses", Permissions.Chat)]
    [InlineData("POST", "/v1/messages", Permissions.Chat)]
    [InlineData("POST", "/v1/messages/count_tokens", Permissions.Chat)]
    [InlineData("POST", "/v1/completions", Permissions.Completions)]
    [InlineData("POST", "/v1/embeddings", Permissions.Embeddings)]
    [InlineData("POST", "/v1/images/generations", Permissions.Images)]
    [InlineData("POST", "/v1/audio/transcriptions", Permissions.Audio)]
    [InlineData("GET", "/v1/models", Permissions.Models)]
    [InlineData("GET", "/v1/models/gpt-4o", Permissions.Models)]
    [InlineData("GET", "/v1/usage", Permissions.Analytics)]
    [InlineData("DELETE", "/v1/models/ft-1", Permissions.Admin)]
    [InlineData("POST", "/v1/fine_tuning/jobs", Permissions.Admin)]
    [InlineData("POST", "/v1/imagesX", Permissions.Admin)]
    [InlineData("GET", "/v1/chat/completions", Permissions.Admin)]
    public void Routes_need_the_permission_of_the_route_table(string method, string path, Permissions permission)
    {
        RouteTable.Match(method, path)!.Permission.Should().Be(permission);
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
