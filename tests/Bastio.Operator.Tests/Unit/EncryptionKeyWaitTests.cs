using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Tests.Unit;

public sealed class EncryptionKeyWaitTests
{
    private static readonly ObjectKey Key = new("team-a", "app");

    [Fact]
    public async Task A_missing_encryption_key_is_a_quiet_requeue_not_a_failure()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var wait = NewWait(new EncryptionKeyUnavailableException("Secret bastio-system/bastio-encryption-key does not exist yet.", missing: true), factory);

        var result = await wait.ReconcileAsync(Key, CancellationToken.None);

        result.Outcome.Should().Be(ReconcileOutcome.Requeue, "an error result would be logged as a warning with a stack trace and backed off");
        result.RequeueAfter.Should().Be(EncryptionKeyWait.RetryAfter);
        logs.Lines.Should().ContainSingle().Which.Should().StartWith("Debug").And.Contain("team-a/app").And.NotContain("Exception");
    }

    [Fact]
    public async Task An_invalid_encryption_key_is_a_warning_without_a_stack_trace()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var wait = NewWait(new EncryptionKeyUnavailableException("Secret bastio-system/bastio-encryption-key is invalid: no active version.", missing: false), factory);

        var result = await wait.ReconcileAsync(Key, CancellationToken.None);

        result.Outcome.Should().Be(ReconcileOutcome.Requeue);
        logs.Lines.Should().ContainSingle().Which.Should().StartWith("Warning").And.Contain("no active version").And.NotContain("Exception");
    }

    [Fact]
    public async Task Other_failures_pass_through_to_the_controller()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var wait = NewWait(new InvalidOperationException("boom"), factory);

        await wait.Invoking(w => w.ReconcileAsync(Key, CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>();
        logs.Lines.Should().BeEmpty();
    }

    private static EncryptionKeyWait NewWait(Exception failure, ILoggerFactory factory)
    {
        return new EncryptionKeyWait(new Failing(failure), "apikey", factory.CreateLogger<EncryptionKeyWait>());
    }

    private sealed class Failing(Exception failure) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => Task.FromException<ReconcileResult>(failure);
    }
}
