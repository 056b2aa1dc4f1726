using Microsoft.Extensions.Logging;

namespace Bastio.Kubernetes.Client;

/// <summary>
/// The bearer token: fixed, or read from a file that the kubelet rotates (projected service-account
/// tokens expire after an hour). A file token is re-read on an interval and on demand after a 401.
/// </summary>
internal sealed partial class TokenProvider
{
    private readonly string? _fixedToken;
    private readonly string? _file;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private string? _fileToken;
    private long _readAt;

    private TokenProvider(string? fixedToken, string? file, TimeSpan refreshInterval, TimeProvider time, ILogger logger)
    {
        _fixedToken = fixedToken;
        _file = file;
        _refreshInterval = refreshInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether <see cref="Refresh"/> can yield a different token, so a 401 is worth one retry.</summary>
    public bool CanRefresh => _file is not null;

    public static TokenProvider? Create(string? token, string? file, TimeSpan refreshInterval, TimeProvider time, ILogger logger) =>
        token is null && file is null ? null : new TokenProvider(token, file, refreshInterval, time, logger);

    public string GetToken()
    {
        if (_fixedToken is not null)
        {
            return _fixedToken;
        }

        lock (_lock)
        {
            if (_fileToken is null || _time.GetElapsedTime(_readAt) >= _refreshInterval)
            {
                Read();
            }

            return _fileToken!;
        }
    }

    public void Refresh()
    {
        if (_file is null)
        {
            return;
        }

        lock (_lock)
        {
            Read();
        }
    }

    private void Read()
    {
        try
        {
            var token = File.ReadAllText(_file!).Trim();
            if (token.Length == 0)
            {
                throw new IOException($"The token file '{_file}' is empty.");
            }

            _fileToken = token;
            _readAt = _time.GetTimestamp();
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && _fileToken is not null)
        {
            // The kubelet replaces the file atomically, but a transient read failure must not drop a still-valid token.
            Log.TokenFileUnreadable(_logger, _file!, e);
            _readAt = _time.GetTimestamp();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not re-read the token file {File}; keeping the previous token.")]
        public static partial void TokenFileUnreadable(ILogger logger, string file, Exception exception);
    }
}
