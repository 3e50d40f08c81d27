namespace DumpScope.Host.Types;

/// <summary>
/// A member's value as crash prints it for <c>list -s</c> and <c>tree -s</c> (gdb's print layout): <c>name = value,</c>
/// with integers in decimal, pointers in hex, char arrays as C strings with octal escapes (the array's last NUL, the
/// terminator, left out), enums by name, and structs, unions and arrays of them as indented brace blocks.
/// The value is decoded from bytes already read, so one read of the entry serves every member.
/// </summary>
public static class GdbValueWriter
{
    private const int MaxDepth = 12;

    /// <summary>A typed value of one member, for data outputs; null when it is an aggregate.</summary>
    public readonly record struct Scalar(Cell Cell, string Text);

    /// <summary>
    /// The lines of <c>name = value,</c> for the member at <paramref name="location"/> of an object whose bytes are
    /// <paramref name="bytes"/> (from the object's start), each prefixed by <paramref name="indent"/>.
    /// </summary>
    public static List<string> Member(IKernel kernel, string name, MemberLocation location, ReadOnlySpan<byte> bytes, string indent)
    {
        var lines = new List<string>();
        Write(kernel, lines, indent, name + " = ", location.Type, bytes, location.BitOffset, location.BitSize, ",", 0);
        return lines;
    }

    /// <summary>The value of a scalar member (integer, enum, pointer, char array) as a typed cell and gdb's text, or null for aggregates.</summary>
    public static Scalar? ScalarValue(IKernel kernel, MemberLocation location, ReadOnlySpan<byte> bytes)
    {
        var type = location.Type.Resolve();
        if (IsCharArray(type)) return new Scalar(Cell.Text(CString(bytes, location.Offset, type.ArrayLength)), QuotedChars(bytes, location.Offset, type.ArrayLength));
        if (type.Kind is TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer)
        {
            var text = ScalarText(kernel, type, bytes, location.BitOffset, location.BitSize);
            if (text is null) return null;
            ulong raw = Bits(bytes, location.BitOffset, location.BitSize == 0 ? (uint)(type.Size * 8) : location.BitSize);
            Cell cell = type.Kind switch
            {
                TypeKind.Pointer => Cell.Address(raw),
                TypeKind.Enum => Cell.Enum(text),
                _ when type.Name == "_Bool" => Cell.Bool(raw != 0),
                _ when type.IsSigned => Cell.Int(SignExtend(raw, location.BitSize == 0 ? (uint)(type.Size * 8) : location.BitSize)),
                _ => Cell.UInt(raw),
            };
            return new Scalar(cell, text);
        }
        return null;
    }

    private static void Write(IKernel kernel, List<string> lines, string indent, string prefix, KernelType declared, ReadOnlySpan<byte> bytes,
        ulong bitOffset, uint bitSize, string suffix, int depth)
    {
        var type = declared.Resolve();
        ulong offset = bitOffset / 8;
        if (type.Size > 0 && offset + type.Size > (ulong)bytes.Length && bitSize == 0)
        {
            lines.Add($"{indent}{prefix}<unreadable: beyond the {bytes.Length} bytes read>{suffix}");
            return;
        }
        switch (type.Kind)
        {
            case TypeKind.Struct or TypeKind.Union when depth < MaxDepth:
                lines.Add($"{indent}{prefix}{{");
                var members = type.Members;
                for (int i = 0; i < members.Count; i++)
                {
                    var m = members[i];
                    string inner = m.Name.Length == 0 ? "" : m.Name + " = ";
                    Write(kernel, lines, indent + "  ", inner, m.Type, bytes, bitOffset + m.BitOffset, m.BitSize, i + 1 < members.Count ? "," : "", depth + 1);
                }
                lines.Add($"{indent}}}{suffix}");
                return;
            case TypeKind.Array when IsCharArray(type):
                lines.Add($"{indent}{prefix}{QuotedChars(bytes, offset, type.ArrayLength)}{suffix}");
                return;
            case TypeKind.Array when type.Target!.Resolve().IsAggregate && depth < MaxDepth:
                lines.Add($"{indent}{prefix}{{");
                ulong elementSize = type.Target.Resolve().Size;
                for (ulong i = 0; i < type.ArrayLength; i++)
                    Write(kernel, lines, indent + "  ", "", type.Target, bytes, bitOffset + i * elementSize * 8, 0, i + 1 < type.ArrayLength ? "," : "", depth + 1);
                lines.Add($"{indent}}}{suffix}");
                return;
            case TypeKind.Array:
                var element = type.Target!.Resolve();
                var items = new List<string>();
                for (ulong i = 0; i < type.ArrayLength; i++)
                    items.Add(ScalarText(kernel, element, bytes, bitOffset + i * element.Size * 8, 0) ?? "?");
                lines.Add($"{indent}{prefix}{{{string.Join(", ", items)}}}{suffix}");
                return;
            default:
                lines.Add($"{indent}{prefix}{ScalarText(kernel, type, bytes, bitOffset, bitSize) ?? "{...}"}{suffix}");
                return;
        }
    }

    private static string? ScalarText(IKernel kernel, KernelType type, ReadOnlySpan<byte> bytes, ulong bitOffset, uint bitSize)
    {
        uint bits = bitSize != 0 ? bitSize : (uint)(type.Size * 8);
        if (bits == 0 || bits > 64) return null;
        if (bitOffset + bits > (ulong)bytes.Length * 8) return "<unreadable>";
        ulong raw = Bits(bytes, bitOffset, bits);
        switch (type.Kind)
        {
            case TypeKind.Pointer:
                if (raw != 0 && type.Target?.Resolve().Kind == TypeKind.Function && kernel.Symbols.Lookup(raw) is { } fn)
                    return $"0x{raw:x} <{(fn.Offset == 0 ? fn.Symbol.Name : $"{fn.Symbol.Name}+{fn.Offset}")}>";
                return $"0x{raw:x}";
            case TypeKind.Enum:
                long value = type.IsSigned ? SignExtend(raw, bits) : (long)raw;
                return type.Enumerators.FirstOrDefault(e => e.Value == value).Name ?? value.ToString(CultureInfo.InvariantCulture);
            case TypeKind.Integer when type.Name == "_Bool":
                return raw != 0 ? "true" : "false";
            case TypeKind.Integer when type.Size == 1 && type.Name.Contains("char", StringComparison.Ordinal):
                long c = type.IsSigned ? SignExtend(raw, bits) : (long)raw;
                return $"{c.ToString(CultureInfo.InvariantCulture)} '{Escape((byte)raw)}'";
            case TypeKind.Integer:
                return type.IsSigned ? SignExtend(raw, bits).ToString(CultureInfo.InvariantCulture) : raw.ToString(CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private static bool IsCharArray(KernelType type) =>
        type.Kind == TypeKind.Array && type.Target!.Resolve() is { Kind: TypeKind.Integer, Size: 1 } e && e.Name.Contains("char", StringComparison.Ordinal);

    /// <summary>gdb's string form of a char array: escapes for what is not printable, the final NUL (the terminator) dropped.</summary>
    private static string QuotedChars(ReadOnlySpan<byte> bytes, ulong offset, ulong length)
    {
        ulong available = Math.Min(length, (ulong)bytes.Length > offset ? (ulong)bytes.Length - offset : 0);
        var chars = bytes.Slice((int)offset, (int)available);
        if (chars.Length > 0 && chars[^1] == 0) chars = chars[..^1];
        var text = new StringBuilder("\"");
        foreach (var b in chars) text.Append(Escape(b, inString: true));
        return text.Append('"').ToString();
    }

    private static string CString(ReadOnlySpan<byte> bytes, ulong offset, ulong length)
    {
        ulong available = Math.Min(length, (ulong)bytes.Length > offset ? (ulong)bytes.Length - offset : 0);
        var chars = bytes.Slice((int)offset, (int)available);
        int nul = chars.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul >= 0 ? chars[..nul] : chars);
    }

    private static string Escape(byte b, bool inString = false) => b switch
    {
        (byte)'\\' => "\\\\",
        (byte)'"' when inString => "\\\"",
        (byte)'\'' when !inString => "\\'",
        (byte)'\n' => "\\n",
        (byte)'\t' => "\\t",
        (byte)'\r' => "\\r",
        >= 0x20 and < 0x7f => ((char)b).ToString(),
        _ => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
    };

    private static ulong Bits(ReadOnlySpan<byte> bytes, ulong bitOffset, uint bits)
    {
        int first = (int)(bitOffset / 8);
        int last = (int)((bitOffset + bits - 1) / 8);
        UInt128 word = 0;
        for (int i = last; i >= first; i--) word = (word << 8) | bytes[i];
        word >>= (int)(bitOffset % 8);
        return bits == 64 ? (ulong)word : (ulong)word & ((1UL << (int)bits) - 1);
    }

    private static long SignExtend(ulong raw, uint bits) =>
        bits >= 64 ? (long)raw : (long)(raw << (int)(64 - bits)) >> (int)(64 - bits);
}
