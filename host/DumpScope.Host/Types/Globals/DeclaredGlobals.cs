using System.Collections.Concurrent;
using DumpScope.Host.Expressions;

namespace DumpScope.Host.Types.Globals;

/// <summary>
/// The shipped declarations (<see cref="GlobalDeclarationFile"/>) checked against one kernel: each
/// alternative must name types the type source has (a complete struct when it is not behind a pointer),
/// and must fit before the next symbol (kallsyms and System.map have no sizes; the distance to the next
/// higher symbol is an upper bound, so only a type larger than it is refused). A "[]" array takes its length
/// from that distance. Checked on first look-up of each name and cached; thread-safe.
/// </summary>
/// <param name="types">The kernel's types (BTF).</param>
/// <param name="symbols">The kernel's symbols.</param>
/// <param name="declarations">The declarations; the shipped set when null.</param>
public sealed class DeclaredGlobals(ITypeCatalog types, ISymbolTable symbols, IReadOnlyList<GlobalDeclaration>? declarations = null)
{
    private readonly ConcurrentDictionary<string, DeclaredGlobalCheck> _checked = new(StringComparer.Ordinal);
    private readonly Lazy<Dictionary<string, GlobalDeclaration>> _byName = new(() => (declarations ?? GlobalDeclarationFile.All).ToDictionary(d => d.Name, StringComparer.Ordinal));
    private readonly Lazy<ulong[]> _addresses = new(() => symbols.All.Select(s => s.Address).Distinct().Order().ToArray());

    /// <summary>The declared type of <paramref name="name"/> for this kernel, or null (not declared, or no alternative fits).</summary>
    public KernelType? Find(string name) => Check(name)?.Type;

    /// <summary>The check of a declared global, or null when the set does not declare it.</summary>
    public DeclaredGlobalCheck? Check(string name) =>
        _byName.Value.TryGetValue(name, out var declaration) ? _checked.GetOrAdd(name, _ => Verify(declaration)) : null;

    /// <summary>Every declaration checked (for reports and tests).</summary>
    public IEnumerable<DeclaredGlobalCheck> CheckAll() => _byName.Value.Keys.Order(StringComparer.Ordinal).Select(name => Check(name)!);

    private DeclaredGlobalCheck Verify(GlobalDeclaration declaration)
    {
        var notes = new List<string>();
        if (!symbols.TryGetAddress(declaration.Name, out var address))
            return new DeclaredGlobalCheck(declaration.Name, null, null, [$"no symbol '{declaration.Name}' in {symbols.Source}"]);
        ulong? room = Room(address);
        foreach (var alternative in declaration.Alternatives)
        {
            var type = Resolve(alternative.Type, room, out var problem);
            if (type is not null && room is { } bound && type.Size > bound)
                problem = $"{type.Size} bytes do not fit the {bound} bytes before the next symbol";
            if (problem is null && type is not null) return new DeclaredGlobalCheck(declaration.Name, type, alternative.Text, notes);
            notes.Add($"{alternative.Text}: {problem}");
        }
        return new DeclaredGlobalCheck(declaration.Name, null, null, notes);
    }

    /// <summary>Bytes from the symbol to the next higher one (an upper bound of its size), or null for the last.</summary>
    private ulong? Room(ulong address)
    {
        var all = _addresses.Value;
        int i = Array.BinarySearch(all, address);
        i = i < 0 ? ~i : i + 1;
        return i < all.Length ? all[i] - address : null;
    }

    private KernelType? Resolve(TypeName name, ulong? room, out string? problem)
    {
        problem = null;
        var type = types.TryParse(name.Base);
        if (type is null)
        {
            problem = $"{types.Source} has no type '{name.Base}'";
            return null;
        }
        if (name.Pointers == 0 && type.Resolve().Kind == TypeKind.Forward)
        {
            problem = $"{types.Source} declares '{name.Base}' without its definition";
            return null;
        }
        for (int i = 0; i < name.Pointers; i++) type = new PointerType(type);
        for (int i = name.ArrayLengths.Count - 1; i >= 0; i--)
        {
            ulong length;
            if (name.ArrayLengths[i] is { } given) length = given;
            else if (i == 0 && room is { } bytes && type.Size > 0) length = bytes / type.Size;
            else
            {
                problem = "a '[]' length needs the distance to the next symbol";
                return null;
            }
            type = new ArrayType(type, length);
        }
        if (type.Size == 0)
        {
            problem = "the type has no size";
            return null;
        }
        return type;
    }
}
