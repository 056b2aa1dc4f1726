using System.Reflection;
using Bastio.Gateway.Hosting;
using Bastio.Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Tests.Unit;

public sealed class LogEventsTests
{
    private static readonly int[] Declared = typeof(LogEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (int)field.GetRawConstantValue()!)
        .ToArray();

    private static readonly (string Method, int EventId)[] Logged = typeof(GatewayHost).Assembly
        .GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(logged => logged.Attribute is not null)
        .Select(logged => (logged.Method, logged.Attribute!.EventId))
        .ToArray();

    [Fact]
    public void Every_declared_event_id_is_unique()
    {
        Declared.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_log_message_uses_a_declared_event_id_of_its_own()
    {
        Logged.Should().NotBeEmpty();
        Declared.Should().Contain(Logged.Select(logged => logged.EventId));
        Logged.Select(logged => logged.EventId).Should().OnlyHaveUniqueItems("two log messages share an event id: {0}", string.Join(", ", Logged.Select(logged => $"{logged.Method}={logged.EventId}")));
    }

    [Fact]
    public void Every_declared_event_id_is_logged()
    {
        Logged.Select(logged => logged.EventId).Should().BeEquivalentTo(Declared, "an event id nothing logs is dead");
    }
}
