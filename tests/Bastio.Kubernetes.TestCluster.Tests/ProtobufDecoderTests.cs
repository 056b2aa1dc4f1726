using System.Text;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class ProtobufDecoderTests
{
    [Fact]
    public void Decodes_a_secret_envelope_into_JSON_with_base64_data()
    {
        var meta = Concat(Text(1, "s1"), Bytes(11, Concat(Text(1, "app"), Text(2, "demo"))), Text(14, "x.io/f"));
        var secret = Concat(Bytes(1, meta), Bytes(2, Concat(Text(1, "key"), Bytes(2, [0, 1, 255]))), Text(3, ""));
        var unknown = Concat(Bytes(1, Concat(Text(1, "v1"), Text(2, "Secret"))), Bytes(2, secret));
        var body = Concat([0x6B, 0x38, 0x73, 0x00], unknown);

        var obj = ProtobufDecoder.Decode(body);

        obj["kind"]!.GetValue<string>().Should().Be("Secret");
        obj["metadata"]!["name"]!.GetValue<string>().Should().Be("s1");
        obj["metadata"]!["labels"]!["app"]!.GetValue<string>().Should().Be("demo");
        obj["metadata"]!["finalizers"]![0]!.GetValue<string>().Should().Be("x.io/f");
        obj["data"]!["key"]!.GetValue<string>().Should().Be(Convert.ToBase64String(new byte[] { 0, 1, 255 }));
    }

    [Fact]
    public void Truncated_bodies_are_format_errors()
    {
        var act = () => ProtobufDecoder.Decode(new byte[] { 0x6B, 0x38, 0x73, 0x00, 0x0A, 0x50, 0x01 });

        act.Should().Throw<FormatException>();
    }

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] value) => Concat([(byte)((field << 3) | 2)], Varint(value.Length), value);

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);

        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
