using DumpScope.Host.Expressions;

namespace DumpScope.Host.Types.Globals;

/// <summary>
/// The declared globals shipped with the host (kernel-globals.txt, embedded): for kernels whose type source
/// (BTF) describes only per-cpu variables, the C types of the globals people print and the helpers read.
/// One line per global, <c>NAME: TYPE | OLDER TYPE</c>, '#' starts a comment; a version line
/// <c>@version N</c> names the set.
/// </summary>
public static class GlobalDeclarationFile
{
    private const string ResourceName = "DumpScope.Host.Types.Globals.kernel-globals.txt";

    private static readonly Lazy<(int Version, IReadOnlyList<GlobalDeclaration> All)> Shipped = new(() =>
    {
        using var stream = typeof(GlobalDeclarationFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"the host lacks its embedded {ResourceName}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd(), ResourceName);
    });

    /// <summary>The shipped declarations.</summary>
    public static IReadOnlyList<GlobalDeclaration> All => Shipped.Value.All;

    /// <summary>The version of the shipped set (raised whenever a declaration changes).</summary>
    public static int Version => Shipped.Value.Version;

    /// <summary>Parses a declaration file; a malformed line is an <see cref="InvalidDataException"/> naming it.</summary>
    public static (int Version, IReadOnlyList<GlobalDeclaration> All) Parse(string text, string source)
    {
        int version = 0;
        var all = new List<GlobalDeclaration>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("@version ", StringComparison.Ordinal))
            {
                if (!int.TryParse(line[9..], NumberStyles.None, CultureInfo.InvariantCulture, out version))
                    throw new InvalidDataException($"{source}:{i + 1}: '@version' needs a number");
                continue;
            }
            int colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException($"{source}:{i + 1}: expected 'NAME: TYPE', found '{line}'");
            var name = line[..colon].Trim();
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) throw new InvalidDataException($"{source}:{i + 1}: '{name}' is not a symbol name");
            if (!seen.Add(name)) throw new InvalidDataException($"{source}:{i + 1}: '{name}' is declared twice");
            var alternatives = new List<GlobalAlternative>();
            foreach (var part in line[(colon + 1)..].Split('|', StringSplitOptions.TrimEntries))
            {
                try
                {
                    alternatives.Add(new GlobalAlternative(ExpressionParser.ParseTypeName(part), part));
                }
                catch (UsageException e)
                {
                    throw new InvalidDataException($"{source}:{i + 1}: {name}: {e.Message}");
                }
            }
            all.Add(new GlobalDeclaration(name, alternatives, i + 1));
        }
        return (version, all);
    }
}
