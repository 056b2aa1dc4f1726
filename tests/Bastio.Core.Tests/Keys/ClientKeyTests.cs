using System.Text;
using Bastio.Core.Keys;

namespace Bastio.Core.Tests.Keys;

public sealed class ClientKeyTests
{
    [Fact]
    public void Crc32_matches_the_IEEE_check_value()
    {
        Crc32.Compute("123456789"u8).Should().Be(0xCBF43926u);
        Crc32.Compute([]).Should().Be(0u);
    }

    [Theory]
    [InlineData(KeyEnvironment.Live, "live")]
    [InlineData(KeyEnvironment.Test, "test")]
    [InlineData(KeyEnvironment.Dev, "dev")]
    public void Generated_key_has_the_documented_layout_and_parses_back(KeyEnvironment environment, string segment)
    {
        var keyId = ClientKey.NewKeyId();
        var key = ClientKey.Generate(environment, keyId);

        key.Should().MatchRegex($"^bastio_sk_{segment}_[0-9A-Za-z]{{50}}$");
        key.Should().StartWith($"bastio_sk_{segment}_{keyId}");
        ClientKey.TryParse(key, out var parts).Should().BeTrue();
        parts.Environment.Should().Be(environment);
        parts.KeyId.ToString().Should().Be(keyId);
        parts.Secret.ToString().Should().Be(key.Substring(key.Length - 38, 32));
    }

    [Fact]
    public void Checksum_is_the_base62_crc32_of_everything_before_it()
    {
        var key = ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId());
        key[^6..].Should().Be(Check(key[..^6]));
    }

    [Fact]
    public void Rotation_keeps_the_key_id_and_changes_the_secret()
    {
        var keyId = ClientKey.NewKeyId();
        var first = ClientKey.Generate(KeyEnvironment.Live, keyId);
        var second = ClientKey.Generate(KeyEnvironment.Live, keyId);

        second.Should().NotBe(first);
        ClientKey.TryParse(second, out var parts).Should().BeTrue();
        parts.KeyId.ToString().Should().Be(keyId);
    }

    [Fact]
    public void Every_single_character_typo_is_refused()
    {
        var key = ClientKey.Generate(KeyEnvironment.Test, ClientKey.NewKeyId());
        for (var i = 0; i < key.Length; i++)
        {
            var typo = key.ToCharArray();
            typo[i] = typo[i] == 'a' ? 'b' : 'a';
            ClientKey.TryParse(typo, out _).Should().BeFalse($"a change at index {i} must be caught");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("bastio_sk_")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz")]
    [InlineData("bastio_sk_prod_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("bastio_pk_live_aaaaaaaaaaaa")]
    public void Garbage_is_refused(string text) => ClientKey.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Wrong_length_and_alphabet_are_refused_even_with_a_valid_checksum()
    {
        ClientKey.TryParse(WithChecksum("bastio_sk_live_" + new string('a', 43)), out _).Should().BeFalse();
        ClientKey.TryParse(WithChecksum("bastio_sk_live_" + new string('a', 45)), out _).Should().BeFalse();
        ClientKey.TryParse(WithChecksum("bastio_sk_live_" + new string('a', 43) + "-"), out _).Should().BeFalse();
        ClientKey.TryParse(WithChecksum("bastio_sk_live_" + new string('a', 44)), out _).Should().BeTrue();
    }

    [Fact]
    public void Parsing_allocates_nothing()
    {
        var key = ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId());
        var verifier = ClientKeyVerifier.Compute(key);
        var bad = key[..^1] + (key[^1] == '0' ? '1' : '0');
        ClientKey.TryParse(key, out _);
        ClientKeyVerifier.Matches(key, verifier);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = 0;
        for (var i = 0; i < 100; i++)
        {
            parsed += ClientKey.TryParse(key, out var parts) && ClientKeyVerifier.Matches(key, verifier) ? parts.KeyId.Length : 0;
            parsed += ClientKey.TryParse(bad, out _) ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        parsed.Should().Be(100 * ClientKey.KeyIdLength);
        allocated.Should().Be(0);
    }

    [Fact]
    public void Key_ids_are_random_base62()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => ClientKey.NewKeyId()).ToList();
        ids.Should().OnlyHaveUniqueItems().And.AllSatisfy(id => ClientKey.IsValidKeyId(id).Should().BeTrue());
    }

    [Fact]
    public void Generate_rejects_a_malformed_key_id()
    {
        var act = () => ClientKey.Generate(KeyEnvironment.Live, "short");
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Public_id_round_trips()
    {
        var keyId = ClientKey.NewKeyId();
        var publicId = ClientKey.PublicId(KeyEnvironment.Dev, keyId);

        publicId.Should().Be($"bastio_pk_dev_{keyId}");
        ClientKey.TryParsePublicId(publicId, out var environment, out var parsedId).Should().BeTrue();
        environment.Should().Be(KeyEnvironment.Dev);
        parsedId.ToString().Should().Be(keyId);
        ClientKey.TryParsePublicId($"bastio_pk_dev_{keyId}x", out _, out _).Should().BeFalse();
        ClientKey.TryParsePublicId($"bastio_sk_dev_{keyId}", out _, out _).Should().BeFalse();
    }

    [Fact]
    public void Display_prefix_shows_environment_and_four_id_characters()
    {
        ClientKey.DisplayPrefix(KeyEnvironment.Live, "2iqbABCDEFGH").Should().Be("bastio_sk_live_2iqb…");
    }

    private static string WithChecksum(string body) => body + Check(body);

    // Independent of the implementation's encoder: 6 base62 digits (0-9A-Za-z), most significant first.
    private static string Check(string body)
    {
        var crc = Crc32.Compute(Encoding.ASCII.GetBytes(body));
        var check = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            check[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[(int)(crc % 62)];
            crc /= 62;
        }

        return new string(check);
    }
}
