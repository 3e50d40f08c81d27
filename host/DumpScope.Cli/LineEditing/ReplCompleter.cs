using DumpScope.Host.Commands;

namespace DumpScope.Cli.LineEditing;

/// <summary>
/// What Tab completes in the REPL: the first word to a command verb; a word starting with '-' to the options of
/// that verb's commands (their [Option] names); after struct/union/whatis a type name, and after TYPE. its member
/// names (p VAR. completes the members of the variable's type); any other word to kernel symbols by prefix.
/// Symbols and types come from the session's dump; without a dump those words complete to nothing.
/// </summary>
internal sealed class ReplCompleter(CommandRegistry registry, Func<ISymbolTable?> symbols, Func<ITypeCatalog?> types)
{
    /// <summary>Words the REPL itself understands beside the registry's commands.</summary>
    public static readonly IReadOnlyList<string> ReplWords = ["quit", "exit"];

    private const int MaxCandidates = 200;
    private string[]? _symbolNames;
    private string[]? _typeNames;

    public Completion Complete(string line, int cursor)
    {
        int start = cursor;
        while (start > 0 && line[start - 1] != ' ') start--;
        var word = line[start..cursor];
        var before = line[..start].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After a pipe the next word is a new command (a command may be piped to a filter).
        int pipe = Array.FindLastIndex(before, w => w == "|");
        if (pipe >= 0) before = before[(pipe + 1)..];
        if (before.Length == 0) return new(start, Prefixed(Verbs(), word));
        var verb = before[0];
        if (word.StartsWith('-')) return new(start, Prefixed(Options(verb), word));

        if (verb is "struct" or "union" or "whatis" && !before.Skip(1).Any(w => !w.StartsWith('-')))
        {
            int dot = word.LastIndexOf('.');
            if (dot > 0) return new(start + dot + 1, Prefixed(Members(TypeOf(word[..dot], variable: false)), word[(dot + 1)..]));
            var typeNames = Prefixed(TypeNames(), word);
            return new(start, verb == "whatis" ? [.. typeNames, .. Symbols(word)] : typeNames);
        }
        if (verb is "p" or "print" && word.LastIndexOf('.') is var vdot and > 0)
            return new(start + vdot + 1, Prefixed(Members(TypeOf(word[..vdot], variable: true)), word[(vdot + 1)..]));
        return new(start, Symbols(word));
    }

    private IEnumerable<string> Verbs() =>
        registry.All.SelectMany(c => c.Attribute.Aliases.Prepend(c.Attribute.Name)).Concat(ReplWords);

    private IEnumerable<string> Options(string verb) =>
        registry.All.Where(c => string.Equals(c.Attribute.Name, verb, StringComparison.OrdinalIgnoreCase) || c.Attribute.Aliases.Contains(verb, StringComparer.OrdinalIgnoreCase))
            .SelectMany(c => c.Options.SelectMany(o => o.Attribute.Names).Append(c.Attribute.Selector ?? ""));

    private static IReadOnlyList<string> Prefixed(IEnumerable<string> words, string prefix) =>
        words.Where(w => w.Length > 0 && w.StartsWith(prefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxCandidates).ToArray();

    /// <summary>Symbols starting with the word, by binary search in the names sorted once; an empty word lists none.</summary>
    private IReadOnlyList<string> Symbols(string prefix)
    {
        if (prefix.Length == 0) return [];
        _symbolNames ??= symbols()?.All.Select(s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        return PrefixRange(_symbolNames, prefix);
    }

    /// <summary>Type names as the struct command takes them: "kmem_cache" for "struct kmem_cache".</summary>
    private IEnumerable<string> TypeNames()
    {
        _typeNames ??= types()?.TypeNames.Select(n => n.StartsWith("struct ", StringComparison.Ordinal) ? n[7..] : n.StartsWith("union ", StringComparison.Ordinal) ? n[6..] : n)
            .Where(n => !n.StartsWith("enum ", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        return _typeNames;
    }

    private static string[] PrefixRange(string[] sorted, string prefix)
    {
        int lo = Array.BinarySearch(sorted, prefix, StringComparer.Ordinal);
        if (lo < 0) lo = ~lo;
        var found = new List<string>();
        for (int i = lo; i < sorted.Length && found.Count < MaxCandidates && sorted[i].StartsWith(prefix, StringComparison.Ordinal); i++) found.Add(sorted[i]);
        return [.. found];
    }

    /// <summary>The type at a path: "task_struct.se" (a type, then members), or "init_task.se" (a variable).</summary>
    private KernelType? TypeOf(string path, bool variable)
    {
        var catalog = types();
        if (catalog is null) return null;
        var parts = path.Split('.');
        KernelType? type;
        try
        {
            type = variable ? catalog.FindVariableType(parts[0]) : catalog.FindType(parts[0]) ?? catalog.FindType("struct " + parts[0]) ?? catalog.FindType("union " + parts[0]);
            foreach (var member in parts.Skip(1))
            {
                if (type is null) return null;
                type = Flattened(Aggregate(type)).FirstOrDefault(m => m.Name == member)?.Type;
            }
        }
        catch (Exception e) when (e is InvalidDataException or TypeNotFoundException or MemoryFaultException)
        {
            return null;
        }
        return type;
    }

    private static IEnumerable<string> Members(KernelType? type) =>
        type is null ? [] : Flattened(Aggregate(type)).Select(m => m.Name + (Aggregate(m.Type).Kind is TypeKind.Struct or TypeKind.Union ? "." : ""));

    /// <summary>The struct or union behind typedefs and arrays (a member path goes through them, not through pointers).</summary>
    private static KernelType Aggregate(KernelType type)
    {
        for (int depth = 0; depth < 8; depth++)
        {
            type = type.Resolve();
            if (type.Kind is TypeKind.Array && type.Target is { } target) type = target;
            else break;
        }
        return type;
    }

    /// <summary>Named members, with the members of anonymous struct/union members in their place (bounded depth).</summary>
    private static IEnumerable<TypeMember> Flattened(KernelType aggregate, int depth = 0)
    {
        if (depth > 8) yield break;
        foreach (var member in aggregate.Members)
        {
            if (member.Name.Length > 0) yield return member;
            else foreach (var inner in Flattened(member.Type.Resolve(), depth + 1)) yield return inner;
        }
    }
}
