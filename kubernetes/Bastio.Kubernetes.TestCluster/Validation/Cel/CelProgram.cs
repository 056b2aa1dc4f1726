using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bastio.Kubernetes.TestCluster.Validation.Cel;

/// <summary>The outcome of a rule: satisfied, violated, or failed to evaluate (reported as violated).</summary>
internal enum CelResult
{
    True,
    False,
    Error,
}

/// <summary>The expression uses syntax or functions outside the evaluated subset; the rule is skipped.</summary>
internal sealed class CelNotSupportedException(string message) : Exception(message);

internal sealed class CelEvaluationException(string message) : Exception(message);

/// <summary>
/// A small evaluator for the CEL subset CRD <c>x-kubernetes-validations</c> rules commonly use:
/// literals (int, double, string, bool, null, lists, maps), <c>self</c> and <c>oldSelf</c>, field
/// selection and indexing, <c>!</c>, unary <c>-</c>, <c>* / % + -</c>, comparisons, <c>in</c>,
/// <c>&amp;&amp;</c>, <c>||</c>, <c>? :</c>, the <c>has()</c> macro, <c>size()</c>,
/// <c>startsWith/endsWith/contains/matches</c>, <c>lowerAscii/upperAscii</c>, <c>int/double/string</c>
/// conversions and the <c>all/exists/exists_one</c> macros. Anything else (timestamps, durations,
/// quantities, optional types...) raises <see cref="CelNotSupportedException"/> at parse time.
/// </summary>
internal sealed class CelProgram
{
    private readonly Node _root;

    private CelProgram(Node root, bool usesOldSelf)
    {
        _root = root;
        UsesOldSelf = usesOldSelf;
    }

    /// <summary>A transition rule: only evaluated on updates where the old value exists.</summary>
    public bool UsesOldSelf { get; }

    public static CelProgram Parse(string expression)
    {
        var parser = new Parser(expression);
        var root = parser.ParseAll();
        return new CelProgram(root, parser.UsesOldSelf);
    }

    public CelResult Evaluate(JsonNode? self, JsonNode? oldSelf)
    {
        var scope = new Dictionary<string, object?> { ["self"] = FromJson(self), ["oldSelf"] = FromJson(oldSelf) };
        try
        {
            return _root.Evaluate(scope) is true ? CelResult.True : CelResult.False;
        }
        catch (CelEvaluationException)
        {
            return CelResult.Error;
        }
    }

    private static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value)),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                ? (object)l
                : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };

    private abstract record Node
    {
        public abstract object? Evaluate(Dictionary<string, object?> scope);
    }

    private sealed record Literal(object? Value) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) => Value;
    }

    private sealed record Identifier(string Name) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) =>
            scope.TryGetValue(Name, out var value) ? value : throw new CelEvaluationException($"undeclared reference to '{Name}'");
    }

    private sealed record ListLiteral(IReadOnlyList<Node> Items) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) => Items.Select(i => i.Evaluate(scope)).ToList();
    }

    private sealed record MapLiteral(IReadOnlyList<(Node Key, Node Value)> Entries) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) =>
            Entries.ToDictionary(e => e.Key.Evaluate(scope) as string ?? throw new CelEvaluationException("map keys must be strings"), e => e.Value.Evaluate(scope));
    }

    private sealed record Select(Node Target, string Field) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) =>
            Target.Evaluate(scope) is Dictionary<string, object?> map
                ? map.TryGetValue(Field, out var value) ? value : throw new CelEvaluationException($"no such key: {Field}")
                : throw new CelEvaluationException($"no such key: {Field}");

        public bool Has(Dictionary<string, object?> scope) =>
            Target.Evaluate(scope) is Dictionary<string, object?> map && map.ContainsKey(Field);
    }

    private sealed record Index(Node Target, Node Key) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope)
        {
            var target = Target.Evaluate(scope);
            var key = Key.Evaluate(scope);
            return (target, key) switch
            {
                (List<object?> list, long i) when i >= 0 && i < list.Count => list[(int)i],
                (Dictionary<string, object?> map, string k) when map.TryGetValue(k, out var value) => value,
                _ => throw new CelEvaluationException("index out of range or no such key"),
            };
        }
    }

    private sealed record Has(Select Operand) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) => Operand.Has(scope);
    }

    private sealed record Conditional(Node Condition, Node Then, Node Else) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope) =>
            Bool(Condition.Evaluate(scope)) ? Then.Evaluate(scope) : Else.Evaluate(scope);
    }

    private sealed record Unary(string Operator, Node Operand) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope)
        {
            var value = Operand.Evaluate(scope);
            return Operator == "!"
                ? !Bool(value)
                : value switch
                {
                    long l => -l,
                    double d => -d,
                    _ => throw new CelEvaluationException("no such overload: -"),
                };
        }
    }

    private sealed record Binary(string Operator, Node Left, Node Right) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope)
        {
            switch (Operator)
            {
                // CEL's && and || are commutative over errors: a definite answer on one side wins.
                case "&&":
                    return Logical(scope, false);
                case "||":
                    return Logical(scope, true);
            }

            var left = Left.Evaluate(scope);
            var right = Right.Evaluate(scope);
            return Operator switch
            {
                "==" => CelEquals(left, right),
                "!=" => !CelEquals(left, right),
                "<" => Compare(left, right) < 0,
                "<=" => Compare(left, right) <= 0,
                ">" => Compare(left, right) > 0,
                ">=" => Compare(left, right) >= 0,
                "in" => right switch
                {
                    List<object?> list => list.Any(item => CelEquals(item, left)),
                    Dictionary<string, object?> map => left is string key && map.ContainsKey(key),
                    _ => throw new CelEvaluationException("no such overload: in"),
                },
                "+" => (left, right) switch
                {
                    (long a, long b) => (object)(a + b),
                    (string a, string b) => a + b,
                    (List<object?> a, List<object?> b) => a.Concat(b).ToList(),
                    _ => Arithmetic(left, right, (a, b) => a + b),
                },
                "-" => (left, right) is (long a, long b) ? (object)(a - b) : Arithmetic(left, right, (a, b) => a - b),
                "*" => (left, right) is (long a, long b) ? (object)(a * b) : Arithmetic(left, right, (a, b) => a * b),
                "/" => (left, right) switch
                {
                    (long _, 0L) => throw new CelEvaluationException("division by zero"),
                    (long a, long b) => (object)(a / b),
                    _ => Arithmetic(left, right, (a, b) => a / b),
                },
                "%" => (left, right) switch
                {
                    (long _, 0L) => throw new CelEvaluationException("modulus by zero"),
                    (long a, long b) => a % b,
                    _ => throw new CelEvaluationException("no such overload: %"),
                },
                _ => throw new CelEvaluationException($"unknown operator {Operator}"),
            };
        }

        private bool Logical(Dictionary<string, object?> scope, bool shortCircuitOn)
        {
            CelEvaluationException? error = null;
            foreach (var side in new[] { Left, Right })
            {
                try
                {
                    if (Bool(side.Evaluate(scope)) == shortCircuitOn)
                    {
                        return shortCircuitOn;
                    }
                }
                catch (CelEvaluationException e)
                {
                    error ??= e;
                }
            }

            return error is null ? !shortCircuitOn : throw error;
        }
    }

    private sealed record Call(Node? Target, string Function, IReadOnlyList<Node> Arguments) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope)
        {
            var target = Target?.Evaluate(scope);
            var args = Arguments.Select(a => a.Evaluate(scope)).ToList();
            var subject = Target is null ? args.FirstOrDefault() : target;
            return Function switch
            {
                "size" => subject switch
                {
                    string s => (long)new StringInfo(s).LengthInTextElements,
                    List<object?> l => (long)l.Count,
                    Dictionary<string, object?> m => (long)m.Count,
                    _ => throw new CelEvaluationException("no such overload: size"),
                },
                "startsWith" => Text(target).StartsWith(Text(args[0]), StringComparison.Ordinal),
                "endsWith" => Text(target).EndsWith(Text(args[0]), StringComparison.Ordinal),
                "contains" => Text(target).Contains(Text(args[0]), StringComparison.Ordinal),
                "matches" => Regex.IsMatch(Text(target), Text(args[0]), RegexOptions.None, TimeSpan.FromSeconds(1)),
                "lowerAscii" => Text(target).ToLowerInvariant(),
                "upperAscii" => Text(target).ToUpperInvariant(),
                "int" => subject switch
                {
                    long l => l,
                    double d => (long)d,
                    string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
                    _ => throw new CelEvaluationException("no such overload: int"),
                },
                "double" => subject switch
                {
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                    _ => throw new CelEvaluationException("no such overload: double"),
                },
                "string" => subject switch
                {
                    string s => s,
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString(CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    _ => throw new CelEvaluationException("no such overload: string"),
                },
                _ => throw new CelEvaluationException($"no such function: {Function}"),
            };
        }
    }

    private sealed record Comprehension(Node Target, string Macro, string Variable, Node Predicate) : Node
    {
        public override object? Evaluate(Dictionary<string, object?> scope)
        {
            var elements = Target.Evaluate(scope) switch
            {
                List<object?> list => list,
                Dictionary<string, object?> map => map.Keys.Cast<object?>().ToList(),
                _ => throw new CelEvaluationException($"no such overload: {Macro}"),
            };
            var inner = new Dictionary<string, object?>(scope);
            var matches = 0;
            foreach (var element in elements)
            {
                inner[Variable] = element;
                if (Bool(Predicate.Evaluate(inner)))
                {
                    matches++;
                }
            }

            return Macro switch
            {
                "all" => matches == elements.Count,
                "exists" => matches > 0,
                _ => matches == 1,
            };
        }
    }

    private static bool Bool(object? value) => value as bool? ?? throw new CelEvaluationException("no matching overload: expected bool");

    private static string Text(object? value) => value as string ?? throw new CelEvaluationException("no matching overload: expected string");

    private static double Arithmetic(object? left, object? right, Func<double, double, double> op) =>
        (ToDouble(left), ToDouble(right)) is (double a, double b) ? op(a, b) : throw new CelEvaluationException("no matching overload");

    private static double? ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        _ => null,
    };

    private static bool CelEquals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => CelEquals(p.First, p.Second)),
        (Dictionary<string, object?> a, Dictionary<string, object?> b) =>
            a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && CelEquals(p.Value, v)),
        _ when ToDouble(left) is { } a && ToDouble(right) is { } b => a.Equals(b),
        _ => Equals(left, right),
    };

    private static int Compare(object? left, object? right) => (left, right) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        _ when ToDouble(left) is { } a && ToDouble(right) is { } b => a.CompareTo(b),
        _ => throw new CelEvaluationException("no such overload: comparison"),
    };

    /// <summary>Recursive descent over CEL's precedence levels.</summary>
    private sealed class Parser
    {
        private static readonly HashSet<string> Functions =
            ["size", "startsWith", "endsWith", "contains", "matches", "lowerAscii", "upperAscii", "int", "double", "string"];

        private readonly List<string> _tokens;
        private int _position;

        public Parser(string text) => _tokens = Tokenize(text);

        public bool UsesOldSelf { get; private set; }

        public Node ParseAll()
        {
            var node = ParseConditional();
            if (_position != _tokens.Count)
            {
                throw new CelNotSupportedException($"unexpected token '{_tokens[_position]}'");
            }

            return node;
        }

        private string? Peek => _position < _tokens.Count ? _tokens[_position] : null;

        private bool Accept(string token)
        {
            if (Peek == token)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new CelNotSupportedException($"expected '{token}'");
            }
        }

        private Node ParseConditional()
        {
            var condition = ParseBinary(0);
            if (!Accept("?"))
            {
                return condition;
            }

            var then = ParseConditional();
            Expect(":");
            return new Conditional(condition, then, ParseConditional());
        }

        private static readonly string[][] Levels =
        [
            ["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"],
        ];

        private Node ParseBinary(int level)
        {
            if (level == Levels.Length)
            {
                return ParseUnary();
            }

            var left = ParseBinary(level + 1);
            while (Peek is { } op && Levels[level].Contains(op))
            {
                _position++;
                left = new Binary(op, left, ParseBinary(level + 1));
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (Accept("!"))
            {
                return new Unary("!", ParseUnary());
            }

            return Accept("-") ? new Unary("-", ParseUnary()) : ParseMember();
        }

        private Node ParseMember()
        {
            var node = ParsePrimary();
            while (true)
            {
                if (Accept("."))
                {
                    var name = Peek ?? throw new CelNotSupportedException("expected a field name");
                    _position++;
                    if (Accept("("))
                    {
                        node = name is "all" or "exists" or "exists_one" ? ParseComprehension(node, name) : MemberCall(node, name);
                    }
                    else
                    {
                        node = new Select(node, name);
                    }
                }
                else if (Accept("["))
                {
                    var key = ParseConditional();
                    Expect("]");
                    node = new Index(node, key);
                }
                else
                {
                    return node;
                }
            }
        }

        private Node ParseComprehension(Node target, string macro)
        {
            var variable = Peek ?? throw new CelNotSupportedException("expected a variable");
            _position++;
            Expect(",");
            var predicate = ParseConditional();
            Expect(")");
            return new Comprehension(target, macro, variable, predicate);
        }

        private Call MemberCall(Node target, string name)
        {
            if (!Functions.Contains(name))
            {
                throw new CelNotSupportedException($"function {name} is not evaluated");
            }

            return new Call(target, name, ParseArguments());
        }

        private List<Node> ParseArguments()
        {
            var args = new List<Node>();
            if (!Accept(")"))
            {
                do
                {
                    args.Add(ParseConditional());
                }
                while (Accept(","));
                Expect(")");
            }

            return args;
        }

        private Node ParsePrimary()
        {
            var token = Peek ?? throw new CelNotSupportedException("unexpected end of expression");
            _position++;
            switch (token)
            {
                case "(":
                    var inner = ParseConditional();
                    Expect(")");
                    return inner;
                case "[":
                    var items = new List<Node>();
                    if (!Accept("]"))
                    {
                        do
                        {
                            items.Add(ParseConditional());
                        }
                        while (Accept(","));
                        Expect("]");
                    }

                    return new ListLiteral(items);
                case "{":
                    var entries = new List<(Node, Node)>();
                    if (!Accept("}"))
                    {
                        do
                        {
                            var key = ParseConditional();
                            Expect(":");
                            entries.Add((key, ParseConditional()));
                        }
                        while (Accept(","));
                        Expect("}");
                    }

                    return new MapLiteral(entries);
                case "true":
                    return new Literal(true);
                case "false":
                    return new Literal(false);
                case "null":
                    return new Literal(null);
            }

            if (token[0] is '"' or '\'')
            {
                return new Literal(token[1..^1]);
            }

            if (char.IsAsciiDigit(token[0]))
            {
                return token.Contains('.', StringComparison.Ordinal)
                    ? new Literal(double.Parse(token, CultureInfo.InvariantCulture))
                    : new Literal(long.Parse(token.TrimEnd('u'), CultureInfo.InvariantCulture));
            }

            if (!char.IsAsciiLetter(token[0]) && token[0] != '_')
            {
                throw new CelNotSupportedException($"unexpected token '{token}'");
            }

            if (Accept("("))
            {
                if (token == "has")
                {
                    var operand = ParseConditional() as Select ?? throw new CelNotSupportedException("has() needs a field selection");
                    Expect(")");
                    return new Has(operand);
                }

                if (!Functions.Contains(token))
                {
                    throw new CelNotSupportedException($"function {token} is not evaluated");
                }

                return new Call(null, token, ParseArguments());
            }

            if (token == "oldSelf")
            {
                UsesOldSelf = true;
            }

            return new Identifier(token);
        }

        private static List<string> Tokenize(string text)
        {
            var tokens = new List<string>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '"' or '\'')
                {
                    var value = new StringBuilder();
                    var j = i + 1;
                    while (j < text.Length && text[j] != c)
                    {
                        if (text[j] == '\\' && j + 1 < text.Length)
                        {
                            j++;
                            value.Append(text[j] switch { 'n' => '\n', 't' => '\t', var other => other });
                        }
                        else
                        {
                            value.Append(text[j]);
                        }

                        j++;
                    }

                    if (j >= text.Length)
                    {
                        throw new CelNotSupportedException("unterminated string");
                    }

                    tokens.Add(c + value.ToString() + c);
                    i = j + 1;
                }
                else if (char.IsAsciiDigit(c))
                {
                    var j = i;
                    while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] is '.' or 'u'))
                    {
                        j++;
                    }

                    tokens.Add(text[i..j]);
                    i = j;
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var j = i;
                    while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
                    {
                        j++;
                    }

                    tokens.Add(text[i..j]);
                    i = j;
                }
                else
                {
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                    if (two is "&&" or "||" or "==" or "!=" or "<=" or ">=")
                    {
                        tokens.Add(two);
                        i += 2;
                    }
                    else if ("!<>+-*/%.,()[]{}?:".Contains(c, StringComparison.Ordinal))
                    {
                        tokens.Add(c.ToString());
                        i++;
                    }
                    else
                    {
                        throw new CelNotSupportedException($"unexpected character '{c}'");
                    }
                }
            }

            return tokens;
        }
    }
}
