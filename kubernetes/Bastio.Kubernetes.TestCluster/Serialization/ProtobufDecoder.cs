using System.Text;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Serialization;

/// <summary>
/// Decodes the Kubernetes Protobuf envelope (<c>k8s\0</c> + <c>runtime.Unknown</c>) for the kinds
/// kubectl's typed commands create: ConfigMap, Secret and Namespace. Field numbers follow
/// k8s.io/api <c>generated.proto</c>.
/// </summary>
internal static class ProtobufDecoder
{
    private static readonly byte[] Magic = [0x6B, 0x38, 0x73, 0x00];

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("the body is not a Kubernetes protobuf envelope");
        }

        string? apiVersion = null, kind = null;
        byte[]? raw = null;
        foreach (var field in Fields(body[Magic.Length..].ToArray()))
        {
            switch (field.Number)
            {
                case 1:
                    foreach (var typeMeta in Fields(field.Bytes))
                    {
                        if (typeMeta.Number == 1)
                        {
                            apiVersion = typeMeta.Text;
                        }
                        else if (typeMeta.Number == 2)
                        {
                            kind = typeMeta.Text;
                        }
                    }

                    break;
                case 2:
                    raw = field.Bytes;
                    break;
            }
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var field in Fields(raw ?? []))
        {
            switch ((kind, field.Number))
            {
                case (_, 1):
                    obj["metadata"] = Metadata(field.Bytes);
                    break;
                case ("ConfigMap", 2):
                    MapEntry(obj, "data", field.Bytes, bytes => Encoding.UTF8.GetString(bytes));
                    break;
                case ("ConfigMap", 3):
                    MapEntry(obj, "binaryData", field.Bytes, Convert.ToBase64String);
                    break;
                case ("ConfigMap", 4) or ("Secret", 5):
                    obj["immutable"] = field.Varint != 0;
                    break;
                case ("Secret", 2):
                    MapEntry(obj, "data", field.Bytes, Convert.ToBase64String);
                    break;
                case ("Secret", 3):
                    obj["type"] = field.Text;
                    break;
                case ("Secret", 4):
                    MapEntry(obj, "stringData", field.Bytes, bytes => Encoding.UTF8.GetString(bytes));
                    break;
                case ("Namespace", 2):
                    var finalizers = Fields(field.Bytes).Where(f => f.Number == 1).Select(f => (JsonNode)f.Text).ToArray();
                    obj["spec"] = finalizers.Length == 0 ? new JsonObject() : new JsonObject { ["finalizers"] = new JsonArray(finalizers) };
                    break;
            }
        }

        return obj;
    }

    private static JsonObject Metadata(byte[] bytes)
    {
        var meta = new JsonObject();
        foreach (var field in Fields(bytes))
        {
            switch (field.Number)
            {
                case 1:
                    meta["name"] = field.Text;
                    break;
                case 2:
                    meta["generateName"] = field.Text;
                    break;
                case 3 when field.Text.Length > 0:
                    meta["namespace"] = field.Text;
                    break;
                case 6 when field.Text.Length > 0:
                    meta["resourceVersion"] = field.Text;
                    break;
                case 11:
                    MapEntry(meta, "labels", field.Bytes, b => Encoding.UTF8.GetString(b));
                    break;
                case 12:
                    MapEntry(meta, "annotations", field.Bytes, b => Encoding.UTF8.GetString(b));
                    break;
                case 13:
                    Child(meta, "ownerReferences", () => new JsonArray()).Add(OwnerReference(field.Bytes));
                    break;
                case 14:
                    Child(meta, "finalizers", () => new JsonArray()).Add(field.Text);
                    break;
            }
        }

        return meta;
    }

    private static JsonObject OwnerReference(byte[] bytes)
    {
        var owner = new JsonObject();
        foreach (var field in Fields(bytes))
        {
            switch (field.Number)
            {
                case 1:
                    owner["kind"] = field.Text;
                    break;
                case 3:
                    owner["name"] = field.Text;
                    break;
                case 4:
                    owner["uid"] = field.Text;
                    break;
                case 5:
                    owner["apiVersion"] = field.Text;
                    break;
                case 6:
                    owner["controller"] = field.Varint != 0;
                    break;
                case 7:
                    owner["blockOwnerDeletion"] = field.Varint != 0;
                    break;
            }
        }

        return owner;
    }

    private static void MapEntry(JsonObject parent, string name, byte[] entry, Func<byte[], string> value)
    {
        string key = "";
        byte[] data = [];
        foreach (var field in Fields(entry))
        {
            if (field.Number == 1)
            {
                key = field.Text;
            }
            else if (field.Number == 2)
            {
                data = field.Bytes;
            }
        }

        Child(parent, name, () => new JsonObject())[key] = value(data);
    }

    private static T Child<T>(JsonObject parent, string name, Func<T> create)
        where T : JsonNode
    {
        if (parent[name] is not T child)
        {
            child = create();
            parent[name] = child;
        }

        return child;
    }

    private readonly record struct Field(int Number, ulong Varint, byte[] Bytes)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
    }

    private static List<Field> Fields(byte[] buffer)
    {
        var fields = new List<Field>();
        var position = 0;
        while (position < buffer.Length)
        {
            var tag = ReadVarint(buffer, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    fields.Add(new Field(number, ReadVarint(buffer, ref position), []));
                    break;
                case 2:
                    var length = checked((int)ReadVarint(buffer, ref position));
                    if (length < 0 || position + length > buffer.Length)
                    {
                        throw new FormatException("truncated protobuf field");
                    }

                    fields.Add(new Field(number, 0, buffer[position..(position + length)]));
                    position += length;
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {tag & 7}");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length)
            {
                throw new FormatException("truncated protobuf varint");
            }

            var b = buffer[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException("malformed protobuf varint");
    }
}
