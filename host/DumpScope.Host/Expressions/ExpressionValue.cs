namespace DumpScope.Host.Expressions;

/// <summary>
/// The value of an expression: either an object in the dump (an lvalue: <see cref="Address"/> set, read on
/// demand) or a computed scalar (<see cref="Scalar"/>). A symbol with no known type is an lvalue whose
/// <see cref="Type"/> is null: only its address is known.
/// </summary>
public sealed record ExpressionValue
{
    /// <summary>The value's type; null for a symbol whose type no source knows.</summary>
    public KernelType? Type { get; init; }

    /// <summary>Where the object is, for an lvalue.</summary>
    public ulong? Address { get; init; }

    /// <summary>For a bitfield lvalue: the first bit, counted from <see cref="Address"/>.</summary>
    public uint BitOffset { get; init; }

    /// <summary>For a bitfield lvalue: its width (0 otherwise).</summary>
    public uint BitSize { get; init; }

    /// <summary>The bits of a computed scalar (when <see cref="Address"/> is null).</summary>
    public ulong Scalar { get; init; }

    /// <summary>The symbol this value is, when it is a symbol as written (crash's address arithmetic uses it).</summary>
    public string? Symbol { get; init; }

    /// <summary>A per-cpu symbol not yet placed on a CPU: <see cref="Address"/> is its per-cpu offset.</summary>
    public bool IsPerCpuOffset { get; init; }

    /// <summary>True for an object in the dump.</summary>
    public bool IsLvalue => Address is not null;

    /// <summary>A computed scalar of a type.</summary>
    public static ExpressionValue Of(KernelType type, ulong bits) => new() { Type = type, Scalar = bits };
}
