using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>
/// Where a member lives inside a struct, as the type source says: byte offset, width and signedness.
/// Plugins read a struct's used members from one buffer (<see cref="ObjectBytes"/>) instead of asking the
/// type catalog for every field of every task.
/// </summary>
/// <param name="Name">The member path as probed ("thread_info.cpu"), for messages.</param>
/// <param name="Offset">Byte offset from the start of the struct.</param>
/// <param name="Size">Width in bytes (1, 2, 4 or 8 for scalars; the whole size for arrays and structs).</param>
/// <param name="Signed">True for signed integers.</param>
public sealed record FieldSpec(string Name, int Offset, int Size, bool Signed)
{
    /// <summary>One past the last byte of the field.</summary>
    public int End => Offset + Size;

    /// <summary>The member <paramref name="path"/> of <paramref name="type"/>, or null when the type lacks it (bitfields are not supported).</summary>
    public static FieldSpec? Find(KernelType type, string path)
    {
        if (!type.Resolve().TryFindMember(path, out var location) || location.BitSize != 0) return null;
        var member = location.Type.Resolve();
        var size = member.Size;
        if (size > 1 << 16) return null;
        return new FieldSpec(path, checked((int)location.Offset), (int)size, member.IsSigned);
    }

    /// <summary>Like <see cref="Find"/>, but only a scalar (integer, enum, pointer) of 1, 2, 4 or 8 bytes qualifies.</summary>
    public static FieldSpec? FindScalar(KernelType type, string path)
    {
        if (!type.Resolve().TryFindMember(path, out var location) || location.BitSize != 0) return null;
        var member = location.Type.Resolve();
        if (member.Kind is not (TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer) || member.Size is not (1 or 2 or 4 or 8)) return null;
        return new FieldSpec(path, checked((int)location.Offset), (int)member.Size, member.IsSigned);
    }

    /// <summary>The first of <paramref name="paths"/> that <paramref name="type"/> has as a scalar (feature probing), or null.</summary>
    public static FieldSpec? FirstScalar(KernelType type, params string[] paths)
    {
        foreach (var path in paths)
            if (FindScalar(type, path) is { } spec) return spec;
        return null;
    }

    /// <summary>Like <see cref="FirstScalar"/> but throws <see cref="TypeNotFoundException"/> naming every spelling tried.</summary>
    public static FieldSpec RequireScalar(KernelType type, params string[] paths) =>
        FirstScalar(type, paths) ?? throw new TypeNotFoundException($"{type.DisplayName} has none of the scalar members {string.Join(", ", paths)}");

    /// <summary>The byte offset of a member of any type, or throws <see cref="TypeNotFoundException"/>.</summary>
    public static int RequireOffset(KernelType type, string path) =>
        type.Resolve().TryFindMember(path, out var location)
            ? checked((int)location.Offset)
            : throw new TypeNotFoundException($"{type.DisplayName} has no member '{path}'");

    /// <summary>The byte offset of the first member of <paramref name="paths"/> the type has, or null.</summary>
    public static int? FirstOffset(KernelType type, params string[] paths)
    {
        foreach (var path in paths)
            if (type.Resolve().TryFindMember(path, out var location)) return checked((int)location.Offset);
        return null;
    }
}
