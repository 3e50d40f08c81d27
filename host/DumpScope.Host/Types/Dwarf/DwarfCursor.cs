using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A bounds-checked little-endian reader over a section: every read past the end becomes an
/// <see cref="InvalidDataException"/> naming the section and offset, never an index exception.
/// </summary>
internal ref struct DwarfCursor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly DwarfSection _section;
    private int _position;

    public DwarfCursor(DwarfSection section, int position)
    {
        _section = section;
        _data = section.Span;
        _position = position;
    }

    /// <summary>Current offset within the section.</summary>
    public int Position
    {
        readonly get => _position;
        set => _position = value;
    }

    /// <summary>The section read.</summary>
    public readonly DwarfSection Section => _section;

    /// <summary>Bytes left before the end of the section.</summary>
    public readonly int Remaining => _data.Length - _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte U8()
    {
        if ((uint)_position >= (uint)_data.Length) Truncated(1);
        return _data[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort U16()
    {
        if ((uint)_position > (uint)(_data.Length - 2)) Truncated(2);
        var v = BinaryPrimitives.ReadUInt16LittleEndian(_data[_position..]);
        _position += 2;
        return v;
    }

    public uint U24()
    {
        if ((uint)_position > (uint)(_data.Length - 3)) Truncated(3);
        uint v = _data[_position] | ((uint)_data[_position + 1] << 8) | ((uint)_data[_position + 2] << 16);
        _position += 3;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint U32()
    {
        if ((uint)_position > (uint)(_data.Length - 4)) Truncated(4);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong U64()
    {
        if ((uint)_position > (uint)(_data.Length - 8)) Truncated(8);
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return v;
    }

    /// <summary>An unsigned value of 1, 2, 4 or 8 bytes (address and offset sizes).</summary>
    public ulong Sized(int size) => size switch
    {
        1 => U8(),
        2 => U16(),
        4 => U32(),
        8 => U64(),
        _ => throw _section.Error(_position, $"cannot read a {size}-byte value"),
    };

    /// <summary>
    /// A unit's initial length field (DWARF 5 §7.4): 32-bit, or 0xffffffff and a 64-bit length; sets the
    /// offset size (4 or 8) the unit's section offsets use. Reserved values are malformed data.
    /// </summary>
    public ulong InitialLength(out int offsetSize)
    {
        int at = _position;
        ulong length = U32();
        offsetSize = 4;
        if (length == 0xffff_ffff)
        {
            length = U64();
            offsetSize = 8;
        }
        else if (length >= 0xffff_fff0) throw _section.Error(at, $"unit length 0x{length:x} is a reserved value");
        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Uleb()
    {
        if ((uint)_position < (uint)_data.Length)
        {
            byte first = _data[_position];
            if (first < 0x80)
            {
                _position++;
                return first;
            }
        }
        return UlebSlow();
    }

    private ulong UlebSlow()
    {
        int start = _position;
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if ((uint)_position >= (uint)_data.Length)
                throw _section.Error(start, "a LEB128 number runs past the end of the section");
            byte b = _data[_position++];
            if (shift < 64) result |= (ulong)(b & 0x7f) << shift;
            else if ((b & 0x7f) != 0) throw _section.Error(start, "a LEB128 number does not fit in 64 bits");
            if (b < 0x80) return result;
            shift += 7;
            if (shift > 16 * 7) throw _section.Error(start, "a LEB128 number is longer than 16 bytes");
        }
    }

    public long Sleb()
    {
        int start = _position;
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            if ((uint)_position >= (uint)_data.Length)
                throw _section.Error(start, "a LEB128 number runs past the end of the section");
            b = _data[_position++];
            if (shift < 64) result |= (long)(b & 0x7f) << shift;
            shift += 7;
            if (shift > 16 * 7) throw _section.Error(start, "a LEB128 number is longer than 16 bytes");
        } while (b >= 0x80);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    /// <summary>Skips <paramref name="count"/> bytes, which must exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(ulong count)
    {
        if (count > (ulong)(_data.Length - _position)) Truncated(count);
        _position += (int)count;
    }

    /// <summary>The next <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> Bytes(ulong count)
    {
        if (count > (ulong)(_data.Length - _position)) Truncated(count);
        var span = _data.Slice(_position, (int)count);
        _position += (int)count;
        return span;
    }

    /// <summary>Skips a NUL-terminated string and returns its length (without the NUL).</summary>
    public int SkipCString()
    {
        int end = _position < _data.Length ? _data[_position..].IndexOf((byte)0) : -1;
        if (end < 0) throw _section.Error(_position, "a string has no terminating NUL before the end of the section");
        _position += end + 1;
        return end;
    }

    [DoesNotReturn]
    private readonly void Truncated(ulong wanted) =>
        throw _section.Error(_position, $"expected {wanted} more bytes, the section ends after {Math.Max(0, _data.Length - _position)} ({_section.Name} is {_data.Length} bytes)");
}
