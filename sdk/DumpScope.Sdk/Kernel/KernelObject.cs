namespace DumpScope.Sdk.Kernel;

/// <summary>
/// A typed view of kernel memory: a type at an address. Member access by path (<c>obj["cpu_slab"]</c>,
/// <c>obj["oo.x"]</c>, <c>obj["node[0]"]</c>), integers of any width and signedness, bitfields, pointers,
/// arrays, bounded C strings and enums. Reads throw <see cref="MemoryFaultException"/> with the precise
/// fault; the <c>Try…</c> forms return it instead. <see cref="Load()"/> reads the object once (never past its
/// runtime size) into a <see cref="MemorySnapshot"/> so that following member reads cost no further memory
/// access; a member in a page that could not be read reports that page's fault, members elsewhere still read.
/// </summary>
/// <param name="kernel">The kernel the object lives in.</param>
/// <param name="type">The object's declared type.</param>
/// <param name="address">The object's address.</param>
public sealed class KernelObject(IKernel kernel, KernelType type, ulong address)
{
    /// <summary>The kernel this object lives in.</summary>
    public IKernel Kernel { get; } = kernel;

    /// <summary>The object's declared type.</summary>
    public KernelType Type { get; } = type;

    /// <summary>The object's address (of the byte holding its first bit, for bitfields).</summary>
    public ulong Address { get; } = address;

    /// <summary>For a bitfield: bit position of its first bit within the byte at <see cref="Address"/>.</summary>
    public int BitShift { get; private init; }

    /// <summary>For a bitfield: its width; 0 otherwise.</summary>
    public uint BitSize { get; private init; }

    /// <summary>The C name of the type (typedefs kept).</summary>
    public string TypeName => Type.DisplayName;

    /// <summary>
    /// Bytes a live object of this type occupies: the runtime size registered for the type (a trimmed
    /// trailing array), else the declared size.
    /// </summary>
    public ulong Size => Kernel.RuntimeSizes.TryGet(Type.Resolve().DisplayName, out var live) ? live.Size : Type.Size;

    /// <summary>A member by path; see <see cref="TypeExtensions.TryFindMember"/>.</summary>
    public KernelObject this[string path] => Member(path);

    /// <summary>A member by path ("list.next", "node[2]", "oo.x").</summary>
    public KernelObject Member(string path)
    {
        return Member(Type.Resolve().FindMember(path));
    }

    /// <summary>A member at a location found once (a probed layout's member): no path look-up per read.</summary>
    public KernelObject Member(MemberLocation location)
    {
        ulong bits = (ulong)BitShift + location.BitOffset;
        return new KernelObject(Kernel, location.Type, Address + bits / 8) { BitShift = (int)(bits % 8), BitSize = location.BitSize, Snapshot = Snapshot };
    }

    /// <summary>True when the type has the member path.</summary>
    public bool HasMember(string path) => Type.Resolve().HasMember(path);

    /// <summary>The same memory viewed as another type.</summary>
    public KernelObject Cast(KernelType type) => new(Kernel, type, Address) { BitShift = BitShift, BitSize = BitSize, Snapshot = Snapshot };

    /// <summary>The same memory viewed as another type, by C name.</summary>
    public KernelObject Cast(string typeName) => Cast(Kernel.Types.Require(typeName));

    /// <summary>
    /// Reads the whole object once (up to <see cref="Size"/>, the runtime size when registered) and returns a
    /// view whose member reads are served from that copy. Pages that could not be read keep their fault: a
    /// member inside one reports it, members in the other pages read normally.
    /// </summary>
    public KernelObject Load() => Load(Size);

    /// <summary>
    /// Like <see cref="Load()"/> but reads only the first <paramref name="length"/> bytes (the members a caller
    /// uses); reads past them go to memory. <paramref name="context"/> (what is read, e.g. "task_struct") is put
    /// into the faults of pages that could not be read.
    /// </summary>
    public KernelObject Load(ulong length, string? context = null)
    {
        if (length == 0 || length > 1 << 20) return this;
        var snapshot = MemorySnapshot.Read(Kernel.Memory, Address, (int)length, Kernel.PageSize, context);
        return new KernelObject(Kernel, Type, Address) { BitShift = BitShift, BitSize = BitSize, Snapshot = snapshot };
    }

    /// <summary>
    /// Like <see cref="Load(ulong, string?)"/> but into <paramref name="buffer"/> (at least <paramref name="length"/>
    /// bytes): the view reads from it only until the caller uses the buffer again, so it must <see cref="Keep"/> what
    /// it holds on to. For walks that read many objects of one type one after another.
    /// </summary>
    public KernelObject Load(ulong length, string? context, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (length == 0 || length > 1 << 20) return this;
        var snapshot = MemorySnapshot.Read(Kernel.Memory, Address, (int)length, Kernel.PageSize, context, buffer);
        return new KernelObject(Kernel, Type, Address) { BitShift = BitShift, BitSize = BitSize, Snapshot = snapshot };
    }

    /// <summary>
    /// The same view keeping only bytes [<paramref name="offset"/>, +<paramref name="length"/>) of its copy (holes
    /// included); reads outside them go to memory. For holding a few members of many objects (a walk's thousands of
    /// task_structs) without keeping every copy whole. A view without a copy is returned as it is.
    /// </summary>
    public KernelObject Keep(ulong offset, ulong length)
    {
        if (Snapshot is null) return this;
        var kept = length == 0 ? null : Snapshot.Slice(Address + offset, (int)Math.Min(length, int.MaxValue));
        return new KernelObject(Kernel, Type, Address) { BitShift = BitShift, BitSize = BitSize, Snapshot = kept };
    }

    /// <summary>The copy <see cref="Load()"/> made, or null for a view that reads memory directly.</summary>
    public MemorySnapshot? Snapshot { get; private init; }

    /// <summary>Reads the object's bytes (at most its runtime size) or throws.</summary>
    public byte[] ReadBytes() => ReadBytes((int)Math.Min(Size, int.MaxValue));

    /// <summary>Reads <paramref name="count"/> bytes at the object's address or throws.</summary>
    public byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        var fault = Read(Address, buffer);
        if (fault is not null) throw new MemoryFaultException(fault);
        return buffer;
    }

    /// <summary>The value as an unsigned integer (integers, enums, pointers, bools, bitfields).</summary>
    public ulong ReadUnsigned()
    {
        if (!TryReadUnsigned(out var value, out var fault)) throw new MemoryFaultException(fault!);
        return value;
    }

    /// <summary>The value as an unsigned integer, or the fault.</summary>
    public bool TryReadUnsigned(out ulong value, out MemoryFault? fault) => TryReadScalar(Type, Address, BitShift, BitSize, out value, out fault);

    /// <summary>
    /// The member at <paramref name="location"/> as an unsigned integer, or the fault: what
    /// <c>Member(location).TryReadUnsigned</c> gives, without making the member's view (a walk of 100,000
    /// task_structs reads twenty members of each).
    /// </summary>
    public bool TryReadUnsigned(MemberLocation location, out ulong value, out MemoryFault? fault)
    {
        ulong bits = (ulong)BitShift + location.BitOffset;
        return TryReadScalar(location.Type, Address + bits / 8, (int)(bits % 8), location.BitSize, out value, out fault);
    }

    private bool TryReadScalar(KernelType type, ulong address, int bitShift, uint bitSize, out ulong value, out MemoryFault? fault)
    {
        value = 0;
        var resolved = type.Resolve();
        int width = bitSize != 0 ? (int)((bitShift + bitSize + 7) / 8) : (int)resolved.Size;
        if (width is <= 0 or > 16)
            throw new InvalidOperationException($"{type.DisplayName} at {address:x} is not a scalar ({resolved.Size} bytes)");
        Span<byte> buffer = stackalloc byte[16];
        fault = Read(address, buffer[..width]);
        if (fault is not null) return false;
        var raw = BinaryPrimitives.ReadUInt128LittleEndian(buffer);
        if (bitSize != 0)
        {
            raw >>= bitShift;
            raw &= (UInt128.One << (int)bitSize) - 1;
        }
        value = (ulong)raw;
        return true;
    }

    /// <summary>The value as a signed integer (sign-extended from its width or bitfield size).</summary>
    public long ReadSigned()
    {
        ulong raw = ReadUnsigned();
        int bits = BitSize != 0 ? (int)BitSize : (int)Type.Resolve().Size * 8;
        if (bits >= 64) return (long)raw;
        int shift = 64 - bits;
        return ((long)(raw << shift)) >> shift;
    }

    /// <summary>The value with the type's own signedness, as a long (unsigned 64-bit values keep their bit pattern).</summary>
    public long ReadInteger() => Type.Resolve().IsSigned ? ReadSigned() : (long)ReadUnsigned();

    /// <summary>The value of a pointer-sized member.</summary>
    public ulong ReadPointer() => ReadUnsigned();

    /// <summary>True when a pointer member holds NULL.</summary>
    public bool IsNull => ReadPointer() == 0;

    /// <summary>The object a pointer points to (its target type at the pointer's value).</summary>
    public KernelObject Deref()
    {
        var resolved = Type.Resolve();
        if (resolved.Kind != TypeKind.Pointer) throw new InvalidOperationException($"{Type.DisplayName} is not a pointer");
        return new KernelObject(Kernel, resolved.Target ?? VoidType.Instance, ReadPointer());
    }

    /// <summary>Element <paramref name="index"/> of an array, or of the array a pointer points to.</summary>
    public KernelObject Index(ulong index)
    {
        var resolved = Type.Resolve();
        return resolved.Kind switch
        {
            TypeKind.Array => new KernelObject(Kernel, resolved.Target!, Address + index * resolved.Target!.Size) { Snapshot = Snapshot },
            TypeKind.Pointer => new KernelObject(Kernel, resolved.Target!, ReadPointer() + index * resolved.Target!.Size),
            _ => throw new InvalidOperationException($"{Type.DisplayName} is neither an array nor a pointer"),
        };
    }

    /// <summary>
    /// A C string: the contents of a char array (bounded by its length) or the string a char pointer points to
    /// (bounded by <paramref name="maxLength"/>).
    /// </summary>
    public string ReadString(int maxLength = 256)
    {
        var resolved = Type.Resolve();
        if (resolved.Kind == TypeKind.Array)
        {
            int length = (int)Math.Min(resolved.Size == 0 ? (ulong)maxLength : resolved.Size, (ulong)maxLength);
            // comm and the like are 16 bytes: no array for them.
            Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
            var fault = Read(Address, bytes);
            if (fault is not null) throw new MemoryFaultException(fault);
            int nul = bytes.IndexOf((byte)0);
            return Encoding.UTF8.GetString(bytes[..(nul < 0 ? length : nul)]);
        }
        if (resolved.Kind == TypeKind.Pointer)
        {
            ulong target = ReadPointer();
            return Kernel.Memory.ReadCString(target, maxLength);
        }
        throw new InvalidOperationException($"{Type.DisplayName} is not a string");
    }

    /// <summary>The enumerator name of an enum value, or null when the value has no name.</summary>
    public string? EnumName()
    {
        var resolved = Type.Resolve();
        long value = ReadInteger();
        foreach (var e in resolved.Enumerators)
            if (e.Value == value) return e.Name;
        return null;
    }

    /// <summary>The object whose member <paramref name="memberPath"/> is at <paramref name="memberAddress"/> (the kernel's container_of).</summary>
    public static KernelObject ContainerOf(IKernel kernel, ulong memberAddress, string typeName, string memberPath)
    {
        var type = kernel.Types.Require(typeName);
        return new KernelObject(kernel, type, memberAddress - type.Resolve().FindMember(memberPath).Offset);
    }

    /// <inheritdoc/>
    public override string ToString() => $"({Type.DisplayName}) 0x{Address:x}";

    private MemoryFault? Read(ulong address, Span<byte> destination)
    {
        if (Snapshot is not null && Snapshot.Covers(address, destination.Length))
            return Snapshot.TryRead(address, destination);
        return Kernel.Memory.ReadVirtual(address, destination).Fault;
    }
}
