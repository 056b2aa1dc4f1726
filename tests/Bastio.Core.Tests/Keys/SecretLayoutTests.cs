using System.Text;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;

namespace Bastio.Core.Tests.Keys;

/// <summary>The verifier Secret and provider key copy layouts the operator writes and the gateway reads.</summary>
public sealed class SecretLayoutTests
{
    private static readonly EncryptionKeyRing Ring = EncryptionKeyRing.CreateNew();
    private static readonly CiphertextBinding App = KeyVerifiers.Binding("team-a", "app", "0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void Verifiers_round_trip_with_every_slot_and_the_expiry_at_whole_seconds()
    {
        var expires = new DateTimeOffset(2026, 11, 22, 10, 30, 15, 789, TimeSpan.Zero);
        var verifiers = new KeyVerifiers("vFGCbfO2kdCW", 3, [1, 2], [3, 4], [5, 6], expires);

        var data = verifiers.Encode(Ring, App);
        var decoded = KeyVerifiers.Decode(data, Ring, App)!;

        decoded.KeyId.Should().Be("vFGCbfO2kdCW");
        decoded.Version.Should().Be(3);
        decoded.Current.Should().Equal(1, 2);
        decoded.Pending.Should().Equal(3, 4);
        decoded.Previous.Should().Equal(5, 6);
        decoded.PreviousExpiresAt.Should().Be(new DateTimeOffset(2026, 11, 22, 10, 30, 15, TimeSpan.Zero));
        Encoding.UTF8.GetString(data[WellKnown.VerifierSecret.PreviousExpiresAt]).Should().Be("2026-11-22T10:30:15Z");
        data.Keys.Should().BeEquivalentTo("keyId", "version", "current", "pending", "previous", "previousExpiresAt");
    }

    [Fact]
    public void Empty_slots_are_left_out_and_an_expiry_without_a_previous_key_is_not_written()
    {
        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, null, DateTimeOffset.UnixEpoch).Encode(Ring, App);

        data.Keys.Should().BeEquivalentTo("keyId", "version", "current");
        var decoded = KeyVerifiers.Decode(data, Ring, App)!;
        decoded.Pending.Should().BeNull();
        decoded.PreviousExpiresAt.Should().BeNull();
    }

    [Fact]
    public void Verifiers_copied_to_another_ApiKey_do_not_decrypt()
    {
        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, null, null).Encode(Ring, App);
        var recreated = KeyVerifiers.Binding("team-a", "app", "5b1f4c1e-7a43-4b0e-9e3c-2b55c1b9d0aa");

        var act = () => KeyVerifiers.Decode(data, Ring, recreated);

        act.Should().Throw<DecryptionFailedException>();
    }

    [Fact]
    public void Data_without_a_key_id_is_no_verifier_set_and_a_garbled_version_is_refused()
    {
        KeyVerifiers.Decode(null, Ring, App).Should().BeNull();
        KeyVerifiers.Decode(new Dictionary<string, byte[]>(), Ring, App).Should().BeNull();

        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, null, null).Encode(Ring, App);
        data[WellKnown.VerifierSecret.Version] = "one"u8.ToArray();
        var act = () => KeyVerifiers.Decode(data, Ring, App);
        act.Should().Throw<FormatException>().Which.Message.Should().Contain("version");
    }

    [Fact]
    public void The_provider_key_copy_round_trips_with_its_fingerprint_and_never_holds_the_key_in_clear()
    {
        const string credential = "sk-test-provider-0123456789";
        var binding = ProviderKeyCopy.Binding("team-a", "primary", "7c9e6679-7425-40de-944b-e07fc1f90ae7");

        var data = ProviderKeyCopy.Encode(credential, Ring, binding);

        ProviderKeyCopy.Decode(data, Ring, binding).Should().Be(credential);
        Encoding.UTF8.GetString(data[WellKnown.ProviderKeySecret.Fingerprint]).Should().Be(ProviderKeyFingerprint.Compute(Ring, credential));
        data.Values.Select(Encoding.UTF8.GetString).Should().NotContain(v => v.Contains(credential, StringComparison.Ordinal));
        ProviderKeyCopy.Decode(new Dictionary<string, byte[]>(), Ring, binding).Should().BeNull();
        var other = () => ProviderKeyCopy.Decode(data, Ring, ProviderKeyCopy.Binding("team-a", "secondary", "7c9e6679-7425-40de-944b-e07fc1f90ae7"));
        other.Should().Throw<DecryptionFailedException>();
    }
}
