using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;

namespace Bastio.StubUpstream;

/// <summary>
/// Real providers compress when the client accepts it (every official SDK does), so the stub answers
/// JSON and event streams in gzip, deflate or br on request, flushing each streamed event.
/// </summary>
internal static class StubCompression
{
    public static IServiceCollection AddStubCompression(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "text/event-stream"];
            options.Providers.Add<GzipCompressionProvider>();
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<DeflateCompressionProvider>();
        });

    /// <summary>ASP.NET Core ships gzip and br only; "deflate" is the zlib format (RFC 9110 §8.4.1.2).</summary>
    private sealed class DeflateCompressionProvider : ICompressionProvider
    {
        public string EncodingName => "deflate";

        public bool SupportsFlush => true;

        public Stream CreateStream(Stream outputStream) => new ZLibStream(outputStream, CompressionLevel.Fastest, leaveOpen: true);
    }
}
