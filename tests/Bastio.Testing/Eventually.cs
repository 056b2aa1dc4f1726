namespace Bastio.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: waits on state, never on a guessed delay.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                last = exception;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.", last);
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        await UntilAsync<object>(async () => await probe() ? new object() : null, what, timeout, interval);

    public static Task UntilAsync(Func<bool> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(probe()), what, timeout, interval);
}
