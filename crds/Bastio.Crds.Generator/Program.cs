using Bastio.Crds.Generator;

// Usage: Bastio.Crds.Generator [output-directory]   (default: crds)
var directory = args.Length > 0 ? args[0] : "crds";
foreach (var path in CrdGenerator.WriteAll(directory))
{
    Console.WriteLine($"wrote {path}");
}

return 0;
