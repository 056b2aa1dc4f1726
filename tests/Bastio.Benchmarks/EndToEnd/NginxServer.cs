using System.Diagnostics;
using System.Globalization;
using Bastio.Benchmarks.Infrastructure;

namespace Bastio.Benchmarks.EndToEnd;

/// <summary>
/// nginx as a plain reverse proxy (<c>proxy_pass</c> with upstream keep-alive), run in the foreground as
/// the current user with its configuration, pid, logs and temp files in its own directory.
/// </summary>
internal sealed class NginxServer : IDisposable
{
    private readonly Process _process;

    private NginxServer(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<NginxServer> StartAsync(string program, Uri upstream, string directory, HttpClient http)
    {
        Directory.CreateDirectory(directory);
        var port = ExternalProcess.FreePort();
        var config = Path.Combine(directory, "nginx.conf");

        // As root nginx would switch its workers to 'nobody', who cannot enter our private temp directory.
        var user = Environment.UserName == "root" ? "user root;" : "";
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            {{user}}
            worker_processes auto;
            daemon off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                upstream stub {
                    server {{upstream.Host}}:{{upstream.Port}};
                    keepalive 128;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://stub;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """)).ConfigureAwait(false);
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", directory, "-c", config, "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start nginx.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var server = new NginxServer(process, url);
        try
        {
            await ExternalProcess.WaitUntilOkAsync(http, new Uri(url, "v1/models"), TimeSpan.FromSeconds(15), () => process.HasExited).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
