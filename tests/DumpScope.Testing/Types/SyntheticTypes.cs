namespace DumpScope.Testing.Types;

/// <summary>
/// A catalog of hand-built types (<see cref="SyntheticStruct"/>, SDK integer and array types), for layouts no
/// bundled BTF has (older kernels). Found by their own name, "struct NAME", or a name given to
/// <see cref="Add(string, KernelType)"/>; C integer names fall back to the SDK's standard integers. Structs can
/// also be declared member by member (<see cref="Struct"/>, laid out with natural alignment, or
/// <see cref="StructAt"/>), with pointers to types by name (<see cref="Ptr"/>) so declarations may refer to each
/// other in any order; declaring a name again replaces the type, so a test can give a kernel another era's layout.
/// </summary>
public sealed class SyntheticTypes(params KernelType[] types) : ITypeCatalog
{
    private readonly List<KernelType> _types = [.. types];
    private readonly Dictionary<string, KernelType> _named = new(StringComparer.Ordinal);

    /// <summary>A catalog declaring struct list_head, hlist_node and hlist_head, which most kernel structures embed.</summary>
    public static SyntheticTypes WithListTypes()
    {
        var t = new SyntheticTypes();
        t.Struct("struct list_head", ("next", t.Ptr("struct list_head")), ("prev", t.Ptr("struct list_head")));
        t.Struct("struct hlist_node", ("next", t.Ptr("struct hlist_node")), ("pprev", t.Ptr("struct hlist_node *")));
        t.Struct("struct hlist_head", ("first", t.Ptr("struct hlist_node")));
        return t;
    }

    /// <summary>Adds a type under a C name ("struct printk_log").</summary>
    public SyntheticTypes Add(string name, KernelType type)
    {
        _named[name] = type;
        return this;
    }

    /// <summary>The type named <paramref name="name"/>; throws when there is none.</summary>
    public KernelType T(string name) => this.Require(name);

    /// <summary>A pointer to the type named <paramref name="target"/>, looked up when first followed ("void" or unknown: void *).</summary>
    public KernelType Ptr(string target) => new NamedPointer(this, target);

    /// <summary>An array of <paramref name="length"/> elements of the type named <paramref name="element"/>.</summary>
    public KernelType Array(string element, ulong length) => new ArrayType(T(element), length);

    /// <summary>Declares (or replaces) a struct whose members follow each other with natural alignment.</summary>
    public SyntheticStruct Struct(string name, params (string Name, KernelType Type)[] members)
    {
        var s = new SyntheticStruct(StructTag(name), 0);
        foreach (var (member, type) in members) s.Append(member, type);
        _named[name] = s;
        return s;
    }

    /// <summary>Declares (or replaces) a struct with members at explicit byte offsets and an explicit size.</summary>
    public SyntheticStruct StructAt(string name, ulong size, params (string Name, KernelType Type, ulong Offset)[] members)
    {
        var s = new SyntheticStruct(StructTag(name), size);
        foreach (var (member, type, offset) in members) s.Add(member, type, offset);
        _named[name] = s;
        return s;
    }

    /// <summary>The byte offset of <paramref name="member"/> (a path: "vm_rb.rb_left") in the type named <paramref name="type"/>.</summary>
    public ulong Offset(string type, string member) => T(type).FindMember(member).Offset;

    private static string StructTag(string name) => name.StartsWith("struct ", StringComparison.Ordinal) ? name[7..] : name;

    /// <inheritdoc/>
    public string Source => "test types";

    /// <inheritdoc/>
    public KernelType? FindType(string name) =>
        _named.GetValueOrDefault(name)
        ?? _named.GetValueOrDefault("struct " + name)
        ?? _types.FirstOrDefault(t => t.Name == name || "struct " + t.Name == name)
        ?? TypeExtensions.StandardInteger(name);

    /// <inheritdoc/>
    public KernelType? FindVariableType(string name) => null;

    /// <inheritdoc/>
    public IEnumerable<string> TypeNames => _named.Keys.Concat(_types.Select(t => t.Name));

    /// <summary>A pointer whose target is looked up by name when first needed (types may refer to each other).</summary>
    private sealed class NamedPointer(SyntheticTypes types, string target) : KernelType
    {
        public override TypeKind Kind => TypeKind.Pointer;
        public override string Name => "";
        public override ulong Size => 8;
        public override KernelType? Target =>
            types.FindType(target) ?? (target.EndsWith('*') ? types.Ptr(target[..^1].TrimEnd()) : VoidType.Instance);
    }
}
