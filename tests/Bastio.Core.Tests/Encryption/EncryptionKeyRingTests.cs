using System.Buffers.Text;
using System.Text;
using Bastio.Core.Encryption;

namespace Bastio.Core.Tests.Encryption;

[Trait("Category", "encryption")]
public sealed class EncryptionKeyRingTests
{
    private static readonly CiphertextBinding Binding = new("ProviderKey", "team-a", "openai", "6f1c2e0a-1111-2222-3333-444455556666");
    private static readonly byte[] Plaintext = "sk-provider-secret-value"u8.ToArray();

    [Fact]
    public void Round_trip()
    {
        var ring = EncryptionKeyRing.CreateNew();

        var envelope = ring.Encrypt(Plaintext, Binding);

        ring.Decrypt(envelope, Binding).Should().Equal(Plaintext);
        ring.Decrypt(ring.Encrypt([], Binding), Binding).Should().BeEmpty();
    }

    [Fact]
    public void A_fresh_start_is_numbered_above_every_version_in_use_and_decrypts_none_of_them()
    {
        var lost = EncryptionKeyRing.CreateNew().WithNewActiveVersion().WithNewActiveVersion();
        var envelope = lost.Encrypt(Plaintext, Binding);

        var fresh = EncryptionKeyRing.CreateNewAbove(["k1", "k3", "k2"]);

        fresh.ActiveVersion.Should().Be("k4");
        fresh.Versions.Should().Equal("k4");
        EncryptionKeyRing.CreateNewAbove([]).ActiveVersion.Should().Be("k1");
        fresh.Invoking(r => r.Decrypt(envelope, Binding)).Should().Throw<DecryptionFailedException>()
            .Which.Failure.Should().Be(DecryptionFailure.UnknownKeyVersion, "what the lost key encrypted is recognisably lost, not mistaken for tampering");
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var ring = EncryptionKeyRing.CreateNew();

        ring.Encrypt(Plaintext, Binding).Should().NotBe(ring.Encrypt(Plaintext, Binding));
    }

    [Fact]
    public void Envelope_names_format_and_key_version_and_carries_nonce_ciphertext_and_tag()
    {
        var ring = EncryptionKeyRing.CreateNew();

        var envelope = ring.Encrypt(Plaintext, Binding);

        envelope.Should().MatchRegex(@"^v1\.k1\.[A-Za-z0-9_-]+$");
        Base64Url.DecodeFromChars(envelope.AsSpan(6)).Should().HaveCount(12 + Plaintext.Length + 16);
        envelope.Should().NotContain(Encoding.UTF8.GetString(Plaintext));
    }

    [Fact]
    public void Envelope_format_is_stable()
    {
        // Written by an independent AES-GCM implementation (Python cryptography) with key 00..1f and nonce 64..6f:
        // existing Secrets must keep decrypting whatever changes in this code.
        const string Golden = "v1.k1.ZGVmZ2hpamtsbW5vO3DzARaFMvtQTy-atRMDmSewK2HuFZhWg7FtQlRa36qHjHhcc8I";
        var ring = EncryptionKeyRing.FromSecretData(new Dictionary<string, byte[]>
        {
            ["active"] = "k1"u8.ToArray(),
            ["k1"] = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        });

        ring.Decrypt(Golden, Binding).Should().Equal("sk-golden-provider-key"u8.ToArray());
    }

    [Theory]
    [InlineData("version")]
    [InlineData("kek")]
    [InlineData("nonce")]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    public void Tampering_with_any_part_fails(string part)
    {
        var ring = EncryptionKeyRing.CreateNew().WithNewActiveVersion();
        var envelope = ring.Encrypt(Plaintext, Binding);
        var payload = Base64Url.DecodeFromChars(envelope.AsSpan("v1.k2.".Length));

        var tampered = part switch
        {
            "version" => "v2" + envelope[2..],
            "kek" => "v1.k1." + envelope["v1.k2.".Length..],
            _ => "v1.k2." + Base64Url.EncodeToString(Flip(payload, part switch
            {
                "nonce" => 3,
                "ciphertext" => 12 + 2,
                _ => payload.Length - 1,
            })),
        };

        var act = () => ring.Decrypt(tampered, Binding);

        act.Should().Throw<DecryptionFailedException>().Which.Failure.Should().Be(
            part == "version" ? DecryptionFailure.Malformed : DecryptionFailure.AuthenticationFailed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-envelope")]
    [InlineData("v1.k1.")]
    [InlineData("v1.k1.AAAA")]
    [InlineData("v1.k01.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.k1.AAAA.AAAA")]
    [InlineData("v1.k1.!!!!")]
    public void Malformed_envelopes_fail_with_the_same_exception_type(string envelope)
    {
        var act = () => EncryptionKeyRing.CreateNew().Decrypt(envelope, Binding);

        act.Should().Throw<DecryptionFailedException>().Which.Failure.Should().Be(DecryptionFailure.Malformed);
    }

    [Theory]
    [InlineData("Kind")]
    [InlineData("Namespace")]
    [InlineData("Name")]
    [InlineData("Uid")]
    public void Ciphertext_of_another_object_fails(string field)
    {
        var ring = EncryptionKeyRing.CreateNew();
        var envelope = ring.Encrypt(Plaintext, Binding);
        var other = field switch
        {
            "Kind" => new CiphertextBinding("ApiKey", Binding.Namespace, Binding.Name, Binding.Uid),
            "Namespace" => new CiphertextBinding(Binding.Kind, "team-b", Binding.Name, Binding.Uid),
            "Name" => new CiphertextBinding(Binding.Kind, Binding.Namespace, "anthropic", Binding.Uid),
            _ => new CiphertextBinding(Binding.Kind, Binding.Namespace, Binding.Name, Guid.NewGuid().ToString()),
        };

        var act = () => ring.Decrypt(envelope, other);

        act.Should().Throw<DecryptionFailedException>().Which.Failure.Should().Be(DecryptionFailure.AuthenticationFailed);
    }

    [Fact]
    public void Wrong_key_under_the_same_version_name_fails()
    {
        var envelope = EncryptionKeyRing.CreateNew().Encrypt(Plaintext, Binding);

        var act = () => EncryptionKeyRing.CreateNew().Decrypt(envelope, Binding);

        act.Should().Throw<DecryptionFailedException>().Which.Failure.Should().Be(DecryptionFailure.AuthenticationFailed);
    }

    [Fact]
    public void Unknown_key_version_fails()
    {
        var envelope = EncryptionKeyRing.CreateNew().WithNewActiveVersion().Encrypt(Plaintext, Binding);

        var act = () => EncryptionKeyRing.CreateNew().Decrypt(envelope, Binding);

        var failure = act.Should().Throw<DecryptionFailedException>().Which;
        failure.Failure.Should().Be(DecryptionFailure.UnknownKeyVersion);
        failure.KeyVersion.Should().Be("k2");
    }

    [Fact]
    public void Failure_messages_hold_no_key_material_or_plaintext()
    {
        var ring = EncryptionKeyRing.CreateNew();
        var envelope = ring.Encrypt(Plaintext, Binding);
        var secretData = ring.ToSecretData();
        var messages = new List<string>();
        foreach (var attempt in new Action[]
        {
            () => EncryptionKeyRing.CreateNew().Decrypt(envelope, Binding),
            () => ring.Decrypt(envelope, new CiphertextBinding("ApiKey", "x", "y", "z")),
            () => ring.Decrypt(envelope + "A", Binding),
        })
        {
            messages.Add(Assert.ThrowsAny<DecryptionFailedException>(attempt).Message);
        }

        var forbidden = new[]
        {
            Encoding.UTF8.GetString(Plaintext),
            Convert.ToBase64String(secretData["k1"]),
            Convert.ToHexString(secretData["k1"]),
            envelope["v1.k1.".Length..],
        };
        messages.Should().AllSatisfy(message =>
        {
            foreach (var value in forbidden)
            {
                message.Should().NotContainEquivalentOf(value);
            }
        });
    }

    [Fact]
    public void Rotation_re_encrypts_old_entries_under_the_new_active_version()
    {
        var ring = EncryptionKeyRing.CreateNew();
        var old = ring.Encrypt(Plaintext, Binding);
        var rotated = EncryptionKeyRing.FromSecretData(ring.WithNewActiveVersion().ToSecretData());

        rotated.ActiveVersion.Should().Be("k2");
        rotated.Versions.Should().Equal("k1", "k2");
        rotated.IsOnActiveVersion(old).Should().BeFalse();
        rotated.Decrypt(old, Binding).Should().Equal(Plaintext, "the previous version keeps decrypting during the sweep");

        var reEncrypted = rotated.ReEncrypt(old, Binding);

        reEncrypted.Should().StartWith("v1.k2.");
        rotated.IsOnActiveVersion(reEncrypted).Should().BeTrue();
        rotated.Decrypt(reEncrypted, Binding).Should().Equal(Plaintext);
        rotated.ReEncrypt(reEncrypted, Binding).Should().BeSameAs(reEncrypted, "entries already on the active version are not rewritten");
    }

    [Fact]
    public void Re_encrypting_an_entry_bound_to_another_object_fails()
    {
        var ring = EncryptionKeyRing.CreateNew();
        var envelope = ring.WithNewActiveVersion().Encrypt(Plaintext, Binding);

        var act = () => ring.WithNewActiveVersion().ReEncrypt(envelope, new CiphertextBinding("ApiKey", "a", "b", "c"));

        act.Should().Throw<DecryptionFailedException>();
    }

    [Fact]
    public void Secret_data_round_trips()
    {
        var ring = EncryptionKeyRing.CreateNew().WithNewActiveVersion().WithNewActiveVersion();
        var data = ring.ToSecretData();

        data.Keys.Should().BeEquivalentTo("active", "k1", "k2", "k3");
        Encoding.UTF8.GetString(data["active"]).Should().Be("k3");
        data["k1"].Should().HaveCount(32);

        var restored = EncryptionKeyRing.FromSecretData(data);
        restored.ActiveVersion.Should().Be("k3");
        restored.Decrypt(ring.Encrypt(Plaintext, Binding), Binding).Should().Equal(Plaintext);
    }

    [Theory]
    [InlineData("missing-active")]
    [InlineData("active-not-present")]
    [InlineData("short-key")]
    [InlineData("unexpected-entry")]
    public void Invalid_secret_data_is_refused_precisely(string problem)
    {
        var data = EncryptionKeyRing.CreateNew().ToSecretData();
        switch (problem)
        {
            case "missing-active": data.Remove("active"); break;
            case "active-not-present": data["active"] = "k9"u8.ToArray(); break;
            case "short-key": data["k1"] = new byte[16]; break;
            default: data["extra"] = new byte[32]; break;
        }

        var act = () => EncryptionKeyRing.FromSecretData(data);

        act.Should().Throw<InvalidKeyRingException>().Which.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Binding_refuses_ambiguous_parts()
    {
        var act = () => new CiphertextBinding("ApiKey", "ns/x", "name", "uid");

        act.Should().Throw<ArgumentException>();
        new CiphertextBinding("ApiKey", "ns", "name", "uid").ToString().Should().Be("ApiKey/ns/name/uid");
    }

    private static byte[] Flip(byte[] payload, int index)
    {
        var copy = (byte[])payload.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
