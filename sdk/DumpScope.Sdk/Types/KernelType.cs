namespace DumpScope.Sdk.Types;

/// <summary>The kind of a kernel type, source-neutral (BTF and DWARF both map onto it).</summary>
public enum TypeKind
{
    /// <summary>void.</summary>
    Void,
    /// <summary>An integer (char, int, long, _Bool…); see <see cref="KernelType.IsSigned"/>.</summary>
    Integer,
    /// <summary>float, double.</summary>
    Float,
    /// <summary>A pointer to <see cref="KernelType.Target"/>.</summary>
    Pointer,
    /// <summary>An array of <see cref="KernelType.Target"/> with <see cref="KernelType.ArrayLength"/> elements.</summary>
    Array,
    /// <summary>A struct.</summary>
    Struct,
    /// <summary>A union.</summary>
    Union,
    /// <summary>An enum; <see cref="KernelType.Enumerators"/> lists its values.</summary>
    Enum,
    /// <summary>A typedef of <see cref="KernelType.Target"/>.</summary>
    Typedef,
    /// <summary>const <see cref="KernelType.Target"/>.</summary>
    Const,
    /// <summary>volatile <see cref="KernelType.Target"/>.</summary>
    Volatile,
    /// <summary>restrict <see cref="KernelType.Target"/>.</summary>
    Restrict,
    /// <summary>A function type (prototype).</summary>
    Function,
    /// <summary>A forward declaration of a struct/union/enum whose body is unknown.</summary>
    Forward,
}

/// <summary>
/// A kernel type from a type source. Instances are immutable once published; sources may resolve
/// members and targets lazily. Use <see cref="Resolve"/> to see through typedefs and qualifiers.
/// </summary>
public abstract class KernelType
{
    /// <summary>The kind.</summary>
    public abstract TypeKind Kind { get; }

    /// <summary>The type's own name without a "struct " prefix; empty for anonymous and derived types.</summary>
    public abstract string Name { get; }

    /// <summary>Size in bytes as declared (for an array: element size × length; 0 for void and functions).</summary>
    public abstract ulong Size { get; }

    /// <summary>Pointed-to, element, aliased or qualified type; the underlying integer of an enum may be null.</summary>
    public virtual KernelType? Target => null;

    /// <summary>Members of a struct or union in declaration order (anonymous members have an empty name).</summary>
    public virtual IReadOnlyList<TypeMember> Members => [];

    /// <summary>Element count of an array; 0 for a flexible array member.</summary>
    public virtual ulong ArrayLength => 0;

    /// <summary>True for signed integers and enums with negative values.</summary>
    public virtual bool IsSigned => false;

    /// <summary>Named values of an enum.</summary>
    public virtual IReadOnlyList<EnumValue> Enumerators => [];

    /// <summary>Parameter types of a function type.</summary>
    public virtual IReadOnlyList<KernelType> Parameters => [];

    /// <summary>For a <see cref="TypeKind.Forward"/> declaration: what it declares (struct, union or enum).</summary>
    public virtual TypeKind DeclaredKind => TypeKind.Struct;

    /// <summary>This type without typedefs and qualifiers (bounded: a cycle stops at the depth limit).</summary>
    public KernelType Resolve()
    {
        var t = this;
        for (int depth = 0; depth < 64; depth++)
        {
            if (t.Kind is TypeKind.Typedef or TypeKind.Const or TypeKind.Volatile or TypeKind.Restrict && t.Target is { } next)
                t = next;
            else
                return t;
        }
        throw new InvalidDataException($"type chain of '{DisplayName}' is longer than 64 links (a cycle?)");
    }

    /// <summary>True for struct and union (after resolving typedefs).</summary>
    public bool IsAggregate => Resolve().Kind is TypeKind.Struct or TypeKind.Union;

    /// <summary>The C spelling: "struct kmem_cache", "unsigned int", "char *", "struct list_head [16]".</summary>
    public string DisplayName => TypeFormatter.Format(this);

    /// <inheritdoc/>
    public override string ToString() => DisplayName;
}

/// <summary>A member of a struct or union.</summary>
/// <param name="Name">Member name; empty for an anonymous struct/union member.</param>
/// <param name="Type">Member type.</param>
/// <param name="BitOffset">Offset from the start of the enclosing type, in bits.</param>
/// <param name="BitSize">Width for a bitfield, 0 for an ordinary member.</param>
public sealed record TypeMember(string Name, KernelType Type, ulong BitOffset, uint BitSize)
{
    /// <summary>Byte offset (of the byte holding the first bit, for bitfields).</summary>
    public ulong Offset => BitOffset / 8;

    /// <summary>True for a bitfield.</summary>
    public bool IsBitfield => BitSize != 0;
}

/// <summary>An enumerator.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Value">Its value (signed; unsigned 64-bit values are stored as their bit pattern).</param>
public readonly record struct EnumValue(string Name, long Value);

/// <summary>A pointer type built on demand (type sources need not store every "T *").</summary>
public sealed class PointerType(KernelType target, ulong size = 8) : KernelType
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Pointer;
    /// <inheritdoc/>
    public override string Name => "";
    /// <inheritdoc/>
    public override ulong Size => size;
    /// <inheritdoc/>
    public override KernelType? Target => target;
}

/// <summary>An array type built on demand (e.g. to view N elements behind a pointer).</summary>
public sealed class ArrayType(KernelType element, ulong length) : KernelType
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Array;
    /// <inheritdoc/>
    public override string Name => "";
    /// <inheritdoc/>
    public override ulong Size => element.Size * length;
    /// <inheritdoc/>
    public override KernelType? Target => element;
    /// <inheritdoc/>
    public override ulong ArrayLength => length;
}

/// <summary>A plain integer type, for globals whose type a plugin states (BTF has no variable types).</summary>
public sealed class IntegerType(string name, ulong size, bool signed) : KernelType
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Integer;
    /// <inheritdoc/>
    public override string Name => name;
    /// <inheritdoc/>
    public override ulong Size => size;
    /// <inheritdoc/>
    public override bool IsSigned => signed;
}

/// <summary>The void type.</summary>
public sealed class VoidType : KernelType
{
    /// <summary>The one instance.</summary>
    public static readonly VoidType Instance = new();
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Void;
    /// <inheritdoc/>
    public override string Name => "void";
    /// <inheritdoc/>
    public override ulong Size => 0;
}
