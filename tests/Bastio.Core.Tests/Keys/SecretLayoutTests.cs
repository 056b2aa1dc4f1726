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
        var verifiers = new KeyVerifiers("vFGCbfO2kdCW", 3, [1, 2], [3, 4], [new([5, 6], expires)], Epoch: 1764757815000123);

        var data = verifiers.Encode(Ring, App);
        var decoded = KeyVerifiers.Decode(data, Ring, App)!;

        decoded.KeyId.Should().Be("vFGCbfO2kdCW");
        decoded.Version.Should().Be(3);
        decoded.Current.Should().Equal(1, 2);
        decoded.Pending.Should().Equal(3, 4);
        decoded.Previous.Should().ContainSingle().Which.Verifier.Should().Equal(5, 6);
        decoded.Previous[0].ExpiresAt.Should().Be(new DateTimeOffset(2026, 11, 22, 10, 30, 15, TimeSpan.Zero));
        decoded.Epoch.Should().Be(1764757815000123);
        Encoding.UTF8.GetString(data[WellKnown.VerifierSecret.PreviousExpiresAt]).Should().Be("2026-11-22T10:30:15Z");
        Encoding.UTF8.GetString(data[WellKnown.VerifierSecret.Epoch]).Should().Be("1764757815000123");
        data.Keys.Should().BeEquivalentTo("keyId", "version", "current", "pending", "previous", "previousExpiresAt", "epoch");
    }

    [Fact]
    public void Several_previous_keys_keep_their_own_grace_ends_newest_first_in_the_original_slot()
    {
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        PreviousVerifier[] previous = [new([7], at.AddMinutes(3)), new([8], at.AddMinutes(2)), new([9], at.AddMinutes(1))];

        var data = new KeyVerifiers("vFGCbfO2kdCW", 4, [1], null, previous).Encode(Ring, App);
        var decoded = KeyVerifiers.Decode(data, Ring, App)!;

        decoded.Previous.Select(p => p.Verifier[0]).Should().Equal(7, 8, 9);
        decoded.Previous.Select(p => p.ExpiresAt).Should().Equal(at.AddMinutes(3), at.AddMinutes(2), at.AddMinutes(1));
        data.Keys.Should().BeEquivalentTo("keyId", "version", "current", "previous", "previousExpiresAt", "previous.2", "previousExpiresAt.2", "previous.3", "previousExpiresAt.3");
        Encoding.UTF8.GetString(data["previousExpiresAt.3"]).Should().Be("2026-12-03T10:01:00Z");
        KeyVerifiers.EncryptedSlots.Should().Contain(["previous", "previous.2", "previous.5"], "a KEK rotation re-encrypts every previous verifier");
    }

    [Fact]
    public void More_previous_keys_than_the_bound_are_not_written()
    {
        var previous = Enumerable.Range(0, KeyVerifiers.MaxPrevious + 1).Select(i => new PreviousVerifier([(byte)i], null)).ToList();

        var act = () => new KeyVerifiers("vFGCbfO2kdCW", 9, [1], null, previous).Encode(Ring, App);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Secrets_in_the_one_previous_layout_of_earlier_operators_are_read()
    {
        // Exactly what the previous operator version wrote: one previous slot, no epoch.
        var expires = new DateTimeOffset(2026, 11, 22, 10, 30, 15, TimeSpan.Zero);
        var data = new Dictionary<string, byte[]>
        {
            ["keyId"] = "vFGCbfO2kdCW"u8.ToArray(),
            ["version"] = "2"u8.ToArray(),
            ["current"] = Encoding.UTF8.GetBytes(Ring.Encrypt([1], App)),
            ["previous"] = Encoding.UTF8.GetBytes(Ring.Encrypt([5], App)),
            ["previousExpiresAt"] = "2026-11-22T10:30:15Z"u8.ToArray(),
        };

        var decoded = KeyVerifiers.Decode(data, Ring, App)!;

        decoded.Previous.Should().ContainSingle().Which.Should().BeEquivalentTo(new PreviousVerifier([5], expires));
        decoded.Epoch.Should().Be(0);
    }

    [Fact]
    public void Empty_slots_are_left_out()
    {
        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, []).Encode(Ring, App);

        data.Keys.Should().BeEquivalentTo("keyId", "version", "current");
        var decoded = KeyVerifiers.Decode(data, Ring, App)!;
        decoded.Pending.Should().BeNull();
        decoded.Previous.Should().BeEmpty();
        decoded.Epoch.Should().Be(0);
    }

    [Fact]
    public void Verifiers_copied_to_another_ApiKey_do_not_decrypt()
    {
        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, []).Encode(Ring, App);
        var recreated = KeyVerifiers.Binding("team-a", "app", "5b1f4c1e-7a43-4b0e-9e3c-2b55c1b9d0aa");

        var act = () => KeyVerifiers.Decode(data, Ring, recreated);

        act.Should().Throw<DecryptionFailedException>();
    }

    [Fact]
    public void Data_without_a_key_id_is_no_verifier_set_and_a_garbled_version_or_epoch_is_refused()
    {
        KeyVerifiers.Decode(null, Ring, App).Should().BeNull();
        KeyVerifiers.Decode(new Dictionary<string, byte[]>(), Ring, App).Should().BeNull();

        var data = new KeyVerifiers("vFGCbfO2kdCW", 1, [1], null, []).Encode(Ring, App);
        data[WellKnown.VerifierSecret.Version] = "one"u8.ToArray();
        var act = () => KeyVerifiers.Decode(data, Ring, App);
        act.Should().Throw<FormatException>().Which.Message.Should().Contain("version");

        data[WellKnown.VerifierSecret.Version] = "1"u8.ToArray();
        data[WellKnown.VerifierSecret.Epoch] = "-3"u8.ToArray();
        act.Should().Throw<FormatException>().Which.Message.Should().Contain("epoch");
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
