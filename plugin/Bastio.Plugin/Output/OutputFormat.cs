namespace Bastio.Plugin.Output;

public enum OutputFormat
{
    Table,
    Json,
    Yaml,
}
