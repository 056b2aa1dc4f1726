using System.Reflection;
using Bastio.Operator.Logging;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Tests.Unit;

public sealed class OperatorLogEventsTests
{
    private static readonly int[] TableIds = [.. typeof(OperatorLogEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (int)f.GetRawConstantValue()!)];

    private static readonly (string Method, int Id)[] LoggedIds = [.. typeof(OperatorLogEvents).Assembly
        .GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(m => m.Attribute is not null)
        .Select(m => (m.Method, m.Attribute!.EventId))];

    [Fact]
    public void The_table_gives_every_message_its_own_id()
    {
        TableIds.Should().OnlyHaveUniqueItems();
        TableIds.Should().OnlyContain(id => id >= 1000, "ids below 1000 are left to the Kubernetes runtime");
    }

    [Fact]
    public void Every_logged_message_takes_its_id_from_the_table_and_no_two_share_one()
    {
        LoggedIds.Should().NotBeEmpty();
        LoggedIds.Select(m => m.Id).Should().OnlyHaveUniqueItems();
        LoggedIds.Should().OnlyContain(m => TableIds.Contains(m.Id));
        TableIds.Should().BeSubsetOf(LoggedIds.Select(m => m.Id), "an id in the table that nothing logs is dead");
    }
}
