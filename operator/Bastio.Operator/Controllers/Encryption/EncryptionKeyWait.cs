using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Operator.Logging;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>
/// Makes "the encryption key does not exist yet" an expected state rather than a failure: at
/// start-up the encryption controller is creating the Secret while the key controllers already run.
/// The Secret's arrival enqueues every key again (the controllers watch it); the requeue is only a
/// safety net, so no backoff warnings with stack traces flood the log meanwhile.
/// </summary>
internal sealed partial class EncryptionKeyWait(IReconciler inner, string controller, ILogger<EncryptionKeyWait> logger) : IReconciler
{
    /// <summary>How long a key waits before it is tried again should the Secret's watch event be missed.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (EncryptionKeyUnavailableException exception)
        {
            if (exception.Missing)
            {
                Log.WaitingForEncryptionKey(logger, controller, key.ToString());
            }
            else
            {
                // A person must repair the Secret; the encryption controller reports the parse error itself.
                Log.EncryptionKeyInvalid(logger, controller, key.ToString(), exception.Message);
            }

            return ReconcileResult.Requeue(RetryAfter);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(OperatorLogEvents.EncryptionKeyWaiting, LogLevel.Debug, "Controller {Controller}: {Key} waits for the encryption key Secret to be created")]
        public static partial void WaitingForEncryptionKey(ILogger logger, string controller, string key);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyInvalid, LogLevel.Warning, "Controller {Controller}: {Key} cannot be reconciled: {Reason}")]
        public static partial void EncryptionKeyInvalid(ILogger logger, string controller, string key, string reason);
    }
}
