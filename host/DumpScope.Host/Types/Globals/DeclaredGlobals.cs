using System.Collections.Concurrent;
using DumpScope.Host.Expressions;

namespace DumpScope.Host.Types.Globals;

/// <summary>
/// The shipped declarations (<see cref="GlobalDeclarationFile"/>) checked against one kernel: each
/// alternative must name types the type source has (a complete struct when it is not behind a pointer),
/// and must fit before the next symbol (kallsyms and System.map have no sizes; the distance to the next
/// higher symbol is an upper bound, so only a type larger than it is refused). A "[]" array takes its length
/// from that distance. Checked on first look-up of each name and cached; thread-safe.
/// A data symbol the set does not declare gets a type only by <see cref="Infer"/>: its name follows the kernel's
/// habit of naming a struct variable after its struct, and its room agrees with that struct's size.
/// </summary>
/// <param name="types">The kernel's types (BTF).</param>
/// <param name="symbols">The kernel's symbols.</param>
/// <param name="declarations">The declarations; the shipped set when null.</param>
public sealed class DeclaredGlobals(ITypeCatalog types, ISymbolTable symbols, IReadOnlyList<GlobalDeclaration>? declarations = null)
{
    /// <summary>
    /// Largest gap accepted between an inferred struct's end and the next symbol: padding to the next variable's
    /// 8-byte alignment. Checked against every data symbol of the 6.1 fixtures' kernel with its DWARF
    /// (DeclaredGlobalsDwarfTests): with larger gaps a name-alike struct is too often only the first member of the
    /// real type (an <c>xps_cpus_attribute</c> is a netdev_queue_attribute, not an attribute).
    /// </summary>
    public const ulong InferenceSlack = 7;

    private readonly ConcurrentDictionary<string, DeclaredGlobalCheck> _checked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeclaredGlobalCheck> _inferred = new(StringComparer.Ordinal);
    private readonly Lazy<Dictionary<string, GlobalDeclaration>> _byName = new(() => (declarations ?? GlobalDeclarationFile.All).ToDictionary(d => d.Name, StringComparer.Ordinal));
    private readonly Lazy<ulong[]> _addresses = new(() => symbols.All.Select(s => s.Address).Distinct().Order().ToArray());

    /// <summary>
    /// The declared type of <paramref name="name"/> for this kernel, else the inferred one for a global the set does
    /// not declare; null when neither (declared but no alternative fits, or nothing safe to infer).
    /// </summary>
    public KernelType? Find(string name) => Check(name) is { } declared ? declared.Type : Infer(name).Type;

    /// <summary>
    /// The type of an undeclared data symbol guessed from its name, accepted only when its size agrees with the
    /// room before the next symbol (at most <see cref="InferenceSlack"/> bytes left over). The names tried, longest
    /// first: the symbol itself (<c>struct rcu_state rcu_state</c>), each tail of two or more words
    /// (<c>pci_bus_type</c> → <c>struct bus_type</c>, <c>shmem_file_operations</c> → <c>struct file_operations</c>),
    /// and <c>X_struct</c> for <c>init_X</c> (<c>init_fs</c> → <c>struct fs_struct</c>). One-word tails
    /// (<c>uts_sem</c> is no <c>struct sem</c>) and macro-made names with "__" (<c>__tpstrtab_read_msr</c>,
    /// <c>args__rseq</c>) are never guessed: on the fixtures' kernel most such guesses were wrong. Without a fit the
    /// notes say why and what to write instead.
    /// </summary>
    public DeclaredGlobalCheck Infer(string name) => _inferred.GetOrAdd(name, InferOnce);

    private DeclaredGlobalCheck InferOnce(string name)
    {
        if (!symbols.TryGetAddress(name, out var address))
            return new DeclaredGlobalCheck(name, null, null, [$"no symbol '{name}' in {symbols.Source}"]);
        if (symbols.Lookup(address) is { Offset: 0, Symbol.Type: not ('D' or 'd' or 'B' or 'b' or 'R' or 'r' or 'V' or 'v') } code)
            return new DeclaredGlobalCheck(name, null, null, [$"'{name}' is a '{code.Symbol.Type}' symbol, not a variable"]);
        ulong? room = Room(address);
        var notes = new List<string>();
        foreach (var candidate in StructNames(name))
        {
            var type = types.FindType("struct " + candidate)?.Resolve();
            if (type is null || type.Kind != TypeKind.Struct || type.Size == 0) continue;
            if (room is not { } bytes)
                notes.Add($"the name suggests struct {candidate}, but '{name}' is the last symbol, so its size is unknown");
            else if (type.Size > bytes || bytes - type.Size > InferenceSlack)
                notes.Add($"the name suggests struct {candidate} ({type.Size} bytes), but {bytes} bytes lie before the next symbol");
            else
                return new DeclaredGlobalCheck(name, types.FindType("struct " + candidate), $"struct {candidate} (inferred from the name; {type.Size} of the {bytes} bytes before the next symbol)", notes);
        }
        if (notes.Count == 0) notes.Add($"'{name}' is not in the declared globals and its name matches no struct of {types.Source}");
        return new DeclaredGlobalCheck(name, null, null, notes);
    }

    /// <summary>The struct names the kernel's naming habits suggest for a variable, longest (most specific) first.</summary>
    internal static IEnumerable<string> StructNames(string name)
    {
        if (name.Contains("__", StringComparison.Ordinal)) return [];
        var names = new List<string> { name };
        for (int i = name.IndexOf('_', 1); i > 0 && i < name.Length - 1; i = name.IndexOf('_', i + 1))
            if (name.IndexOf('_', i + 1) > i + 1) names.Add(name[(i + 1)..]);
        if (name.StartsWith("init_", StringComparison.Ordinal) && name.Length > 5) names.Add(name[5..] + "_struct");
        return names.Where(n => n.Length > 0 && n[0] != '_' && n[^1] != '_').Distinct(StringComparer.Ordinal).OrderByDescending(n => n.Length);
    }

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
