namespace DumpScope.Sdk.Linux.Objects;

/// <summary>
/// The probed layout of one kernel struct: is a member there, where, and which of several spellings this kernel
/// uses (<c>__state</c> or <c>state</c>, <c>slab_list</c> or <c>lru</c>). Every helper probes through this type,
/// never by kernel version (distributions backport); a helper keeps the <see cref="ProbedMember"/>s it found and
/// reads them from objects without further look-ups.
/// </summary>
public sealed class StructLayout
{
    /// <summary>The layout of <paramref name="type"/> (a struct or union, typedefs allowed).</summary>
    public StructLayout(KernelType type)
    {
        Type = type;
        if (!type.IsAggregate) throw new TypeNotFoundException($"{type.DisplayName} is not a struct or union");
    }

    /// <summary>The type probed.</summary>
    public KernelType Type { get; }

    /// <summary>Its C name ("struct task_struct").</summary>
    public string Name => Type.DisplayName;

    /// <summary>Its declared size.</summary>
    public ulong Size => Type.Size;

    /// <summary>The layout of the C type <paramref name="typeName"/>, or null when the kernel has no such struct.</summary>
    public static StructLayout? TryProbe(IKernel kernel, string typeName) =>
        kernel.Types.TryParse(typeName) is { IsAggregate: true } type ? new StructLayout(type) : null;

    /// <summary>The layout of the C type <paramref name="typeName"/>; throws <see cref="TypeNotFoundException"/> when missing.</summary>
    public static StructLayout Probe(IKernel kernel, string typeName) => new(kernel.Types.Require(typeName));

    /// <summary>True when the struct has the member path ("thread_info.cpu", "pid_links[0]").</summary>
    public bool Has(string path) => Type.HasMember(path);

    /// <summary>The first of <paramref name="paths"/> the struct has (feature probing: newest spelling first), or null.</summary>
    public ProbedMember? Find(params string[] paths)
    {
        foreach (var path in paths)
            if (Type.TryFindMember(path, out var location)) return new ProbedMember(path, location);
        return null;
    }

    /// <summary>Like <see cref="Find"/>, but only an integer, enum or pointer member of 1, 2, 4 or 8 bytes (no bitfield) qualifies.</summary>
    public ProbedMember? FindScalar(params string[] paths)
    {
        foreach (var path in paths)
            if (Type.TryFindMember(path, out var location) && new ProbedMember(path, location) is { IsScalar: true } member) return member;
        return null;
    }

    /// <summary>Like <see cref="Find"/> but throws <see cref="TypeNotFoundException"/> naming every spelling tried.</summary>
    public ProbedMember Require(params string[] paths) =>
        Find(paths) ?? throw new TypeNotFoundException($"{Name} has none of the members {string.Join(", ", paths)}");

    /// <summary>Like <see cref="FindScalar"/> but throws <see cref="TypeNotFoundException"/> naming every spelling tried.</summary>
    public ProbedMember RequireScalar(params string[] paths) =>
        FindScalar(paths) ?? throw new TypeNotFoundException($"{Name} has none of the scalar members {string.Join(", ", paths)}");

    /// <summary>Which of <paramref name="paths"/> this kernel spells the member as, or null when none.</summary>
    public string? Which(params string[] paths) => Find(paths)?.Path;

    /// <summary>The byte offset of the first of <paramref name="paths"/> present, or null.</summary>
    public ulong? OffsetOf(params string[] paths) => Find(paths)?.Offset;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
