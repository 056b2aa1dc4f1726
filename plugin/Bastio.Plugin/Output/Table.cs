using System.Text;

namespace Bastio.Plugin.Output;

/// <summary>Left-aligned columns separated by three spaces, the way <c>kubectl get</c> prints them.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Headers { get; } = headers;

    public void AddRow(params string?[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"expected {Headers.Count} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add([.. cells.Select(cell => string.IsNullOrEmpty(cell) ? "<none>" : cell)]);
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = Headers.Select((header, column) => _rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteLine(writer, Headers, widths);
        foreach (var row in _rows)
        {
            WriteLine(writer, row, widths);
        }
    }

    private static void WriteLine(TextWriter writer, IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var column = 0; column < cells.Count; column++)
        {
            line.Append(column == cells.Count - 1 ? cells[column] : cells[column].PadRight(widths[column] + 3));
        }

        writer.WriteLine(line.ToString());
    }
}
