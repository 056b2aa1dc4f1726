using Bastio.Core;
using Bastio.Core.Keys;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Configuration;
using Bastio.Operator.Logging;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Delivery;

/// <summary>
/// The order that keeps a delivered key acceptable on every gateway replica (docs/delivery.md): the new
/// key's verifier is published with the next verifier epoch, every serving replica acknowledges that
/// epoch, and only then may the key reach its delivery Secret. Waiting is bounded by
/// <see cref="OperatorOptions.DeliveryAcknowledgementTimeout"/>; a replica that misses it is reported.
/// </summary>
internal sealed partial class KeyDeliveryGate
{
    private readonly GatewayAcknowledgements _acknowledgements;
    private readonly VerifierEpochs _epochs;
    private readonly OperatorOptions _options;
    private readonly ILogger _logger;

    public KeyDeliveryGate(GatewayAcknowledgements acknowledgements, IInformer<V1Secret> systemSecrets, OperatorOptions options, TimeProvider timeProvider, ILogger<KeyDeliveryGate> logger)
    {
        _acknowledgements = acknowledgements;
        _options = options;
        _logger = logger;
        _epochs = new VerifierEpochs(timeProvider, () => Math.Max(acknowledgements.HighestAcknowledged, HighestWritten(systemSecrets)));
    }

    /// <summary>Writes a verifier Secret that adds a verifier, with the next epoch (<paramref name="write"/> puts it in the data).</summary>
    public Task<(V1Secret Written, long Epoch)> PublishVerifierAsync(Func<long, Task<V1Secret>> write, CancellationToken cancellationToken) =>
        _epochs.WriteWithNextAsync(write, cancellationToken);

    /// <summary>Waits until every serving gateway replica acknowledged <paramref name="epoch"/>; returns those that did not in time.</summary>
    public async Task<IReadOnlyList<string>> WaitUntilServedAsync(string @namespace, string name, long epoch, CancellationToken cancellationToken)
    {
        var lagging = await _acknowledgements.WaitAsync(epoch, _options.DeliveryAcknowledgementTimeout, cancellationToken).ConfigureAwait(false);
        if (lagging.Count > 0)
        {
            Log.NotAcknowledged(_logger, @namespace, name, string.Join(", ", lagging), _options.DeliveryAcknowledgementTimeout);
        }

        return lagging;
    }

    private static long HighestWritten(IInformer<V1Secret> systemSecrets)
    {
        long highest = 0;
        foreach (var secret in systemSecrets.Store.List())
        {
            if (secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.Component) == WellKnown.Components.ApiKeyVerifier)
            {
                try
                {
                    highest = Math.Max(highest, KeyVerifiers.ReadEpoch(secret.Data?.AsReadOnly()));
                }
                catch (FormatException)
                {
                    // Not written by an operator; its ApiKey's reconcile replaces it.
                }
            }
        }

        return highest;
    }

    private static partial class Log
    {
        [LoggerMessage(OperatorLogEvents.DeliveryNotAcknowledged, LogLevel.Warning, "ApiKey {Namespace}/{Name}: gateway replicas {Replicas} did not acknowledge the new key's verifier within {Timeout}; delivering it anyway")]
        public static partial void NotAcknowledged(ILogger logger, string @namespace, string name, string replicas, TimeSpan timeout);
    }
}
