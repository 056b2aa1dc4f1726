using Bastio.Gateway.Pipeline;

namespace Bastio.Gateway.Tests.Unit;

public sealed class RawPathTests
{
    [Theory]
    [InlineData("/v1/../metrics")]
    [InlineData("/v1/./chat/completions")]
    [InlineData("/v1/chat/..")]
    [InlineData("/v1/%2e%2e/metrics")]
    [InlineData("/v1/%2E%2e/metrics")]
    [InlineData("/v1/.%2e/metrics")]
    [InlineData("/v1/%2e/models")]
    [InlineData("/v1/..;/metrics")]
    [InlineData("/v1/..;jsessionid=1/metrics")]
    [InlineData("/v1/..\\metrics")]
    [InlineData("/v1/%2e%2e%5cmetrics")]
    [InlineData("/v1/models%2F..%2F..%2Fmetrics")]
    [InlineData("/v1/models%2f%2e%2e%2fadmin")]
    [InlineData("/v1/%252e%252e/metrics")]
    [InlineData("/v1/%25252e%25252e/metrics")]
    public void Dot_segments_are_found_in_every_spelling(string rawPath) =>
        RawPath.HasDotSegment(rawPath).Should().BeTrue();

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/files/file-abc%2Fdef/content")]
    [InlineData("/v1/models/ft:gpt-4o:org:..suffix")]
    [InlineData("/v1/models/...")]
    [InlineData("/v1/models/a.b")]
    [InlineData("/v1/models/%2e%2e%2e")]
    public void Ordinary_paths_with_dots_or_encoded_slashes_pass(string rawPath) =>
        RawPath.HasDotSegment(rawPath).Should().BeFalse();

    [Theory]
    [InlineData("/v1/chat?x=/../y", "/v1/chat")]
    [InlineData("http://gateway:8080/v1/../metrics?q=1", "/v1/../metrics")]
    [InlineData("http://gateway:8080", "/")]
    public void The_path_is_taken_from_origin_and_absolute_form_targets(string rawTarget, string path) =>
        RawPath.Of(rawTarget).Should().Be(path);

    [Theory]
    [InlineData("/v1/files/a%2Fb", "/files/a%2Fb")]
    [InlineData("/%76%31/models", "/models")]
    [InlineData("/v1", "")]
    public void The_forwarded_rest_keeps_the_clients_encoding(string rawPath, string rest) =>
        RawPath.AfterFirstSegment(rawPath).Should().Be(rest);
}
