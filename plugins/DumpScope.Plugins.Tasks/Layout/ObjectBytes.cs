using System.Buffers.Binary;
using System.Text;
using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>
/// The first bytes of a kernel object, read page by page so that one excluded page costs only the members
/// inside it: a field is readable unless its bytes touch a page that faulted, and the fault says why.
/// Only the span the caller uses is read (never the declared size: trailing arrays and flexible members
/// make declared and live sizes differ).
/// </summary>
public sealed class ObjectBytes
{
    private readonly byte[] _data;
    private readonly List<(int Start, int End, MemoryFault Fault)> _holes;

    private ObjectBytes(ulong address, byte[] data, List<(int, int, MemoryFault)> holes)
    {
        Address = address;
        _data = data;
        _holes = holes;
    }

    /// <summary>The object's address.</summary>
    public ulong Address { get; }

    /// <summary>Bytes requested.</summary>
    public int Length => _data.Length;

    /// <summary>True when every requested byte was read.</summary>
    public bool IsComplete => _holes.Count == 0;

    /// <summary>The first fault met, or null.</summary>
    public MemoryFault? FirstFault => _holes.Count == 0 ? null : _holes[0].Fault;

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/>, page by page, keeping every readable page.</summary>
    public static ObjectBytes Read(IKernelMemory memory, ulong address, int length, string context, int pageSize = 4096)
    {
        var data = new byte[length];
        var holes = new List<(int, int, MemoryFault)>();
        int done = 0;
        while (done < length)
        {
            ulong at = address + (ulong)done;
            int chunk = (int)Math.Min((ulong)(length - done), (ulong)pageSize - (at % (ulong)pageSize));
            var result = memory.ReadVirtual(at, data.AsSpan(done, chunk));
            if (result.Fault is { } fault)
            {
                int start = done + result.BytesRead;
                holes.Add((start, done + chunk, fault.WithContext(context)));
            }
            done += chunk;
        }
        return new ObjectBytes(address, data, holes);
    }

    /// <summary>Wraps bytes already in hand (tests, or a copy made elsewhere).</summary>
    public static ObjectBytes FromBytes(ulong address, byte[] data) => new(address, data, []);

    /// <summary>The fault covering any byte of [offset, offset+size), or a fault-like reason when outside the read span; null when readable.</summary>
    public string? WhyUnreadable(int offset, int size)
    {
        if (offset < 0 || offset + size > _data.Length)
            return $"offset {offset}+{size} is outside the {_data.Length} bytes read at {Address:x}";
        foreach (var (start, end, fault) in _holes)
            if (offset < end && offset + size > start) return fault.Message;
        return null;
    }

    /// <summary>A field as an unsigned value (zero-extended), or the reason it cannot be read.</summary>
    public bool TryUnsigned(FieldSpec field, out ulong value, out string? reason)
    {
        value = 0;
        reason = WhyUnreadable(field.Offset, field.Size);
        if (reason is not null) return false;
        var span = _data.AsSpan(field.Offset, field.Size);
        switch (field.Size)
        {
            case 1: value = span[0]; break;
            case 2: value = BinaryPrimitives.ReadUInt16LittleEndian(span); break;
            case 4: value = BinaryPrimitives.ReadUInt32LittleEndian(span); break;
            case 8: value = BinaryPrimitives.ReadUInt64LittleEndian(span); break;
            default:
                reason = $"{field.Name} is {field.Size} bytes, not a scalar";
                return false;
        }
        return true;
    }

    /// <summary>A field as a signed value when the field is signed (sign-extended from its width), else unsigned.</summary>
    public bool TryInteger(FieldSpec field, out long value, out string? reason)
    {
        value = 0;
        if (!TryUnsigned(field, out var raw, out reason)) return false;
        if (field.Signed && field.Size < 8)
        {
            int shift = 64 - field.Size * 8;
            value = (long)(raw << shift) >> shift;
        }
        else value = (long)raw;
        return true;
    }

    /// <summary>A u64 at an offset (pointers, list links).</summary>
    public bool TryU64(int offset, out ulong value, out string? reason)
    {
        value = 0;
        reason = WhyUnreadable(offset, 8);
        if (reason is not null) return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(offset, 8));
        return true;
    }

    /// <summary>A signed 32-bit value at an offset.</summary>
    public bool TryI32(int offset, out int value, out string? reason)
    {
        value = 0;
        reason = WhyUnreadable(offset, 4);
        if (reason is not null) return false;
        value = BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(offset, 4));
        return true;
    }

    /// <summary>A char array field as text, cut at the first NUL.</summary>
    public bool TryString(FieldSpec field, out string value, out string? reason)
    {
        value = "";
        reason = WhyUnreadable(field.Offset, field.Size);
        if (reason is not null) return false;
        var span = _data.AsSpan(field.Offset, field.Size);
        int nul = span.IndexOf((byte)0);
        value = Encoding.UTF8.GetString(nul < 0 ? span : span[..nul]);
        return true;
    }
}
