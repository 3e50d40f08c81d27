namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>
/// A kernel built by a test without any fixture: 4 KiB pages of bytes placed at chosen addresses (unplaced pages
/// fault as not mapped, excluded ones as excluded), hand-placed symbols, and struct types declared member by
/// member (<see cref="Struct"/>), so a test can give a kernel any era's layout.
/// </summary>
internal sealed class TestKernel : IKernel, IKernelMemory, ITypeCatalog, ISymbolTable
{
    public const int Page = 4096;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly HashSet<ulong> _excluded = [];
    private readonly Dictionary<string, KernelType> _types = [];

    public TestKernel(int cpus = 2)
    {
        Cpus = cpus;
        foreach (var name in new[] { "char", "int", "unsigned int", "long", "unsigned long", "unsigned char", "unsigned short", "short" })
            _types[name] = Sdk.Types.TypeExtensions.StandardInteger(name)!;
        Struct("struct list_head", ("next", Ptr("struct list_head")), ("prev", Ptr("struct list_head")));
        Struct("struct hlist_node", ("next", Ptr("struct hlist_node")), ("pprev", Ptr("struct hlist_node *")));
        Struct("struct hlist_head", ("first", Ptr("struct hlist_node")));
    }

    public int Cpus { get; }
    public Dictionary<string, ulong> SymbolAddresses { get; } = [];

    // Types --------------------------------------------------------------------------------------------------
    public KernelType T(string name) => this.Require(name);

    public KernelType Ptr(string target) => new LazyPointer(this, target);

    public KernelType Array(string element, ulong length) => new ArrayType(T(element), length);

    /// <summary>Declares a struct whose members follow each other with natural alignment.</summary>
    public TestStruct Struct(string name, params (string Name, KernelType Type)[] members)
    {
        var s = new TestStruct(name.StartsWith("struct ", StringComparison.Ordinal) ? name[7..] : name);
        foreach (var (member, type) in members) s.Append(member, type);
        _types[name] = s;
        return s;
    }

    /// <summary>Declares a struct with members at explicit offsets and an explicit size.</summary>
    public TestStruct StructAt(string name, ulong size, params (string Name, KernelType Type, ulong Offset)[] members)
    {
        var s = new TestStruct(name.StartsWith("struct ", StringComparison.Ordinal) ? name[7..] : name, size);
        foreach (var (member, type, offset) in members) s.Place(member, type, offset);
        _types[name] = s;
        return s;
    }

    public ulong Offset(string type, string member) => T(type).FindMember(member).Offset;

    // Memory ----------------------------------------------------------------------------------------------------
    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done, page = at & ~(ulong)(Page - 1);
            if (!_pages.TryGetValue(page, out var bytes)) _pages[page] = bytes = new byte[Page];
            int chunk = Math.Min(Page - (int)(at - page), data.Length - done);
            data.Slice(done, chunk).CopyTo(bytes.AsSpan((int)(at - page)));
            done += chunk;
        }
    }

    public void WriteU64(ulong address, ulong value) => Write(address, BitConverter.GetBytes(value));

    /// <summary>Writes <paramref name="value"/> into member <paramref name="member"/> of the <paramref name="type"/> at <paramref name="address"/>, at the member's width.</summary>
    public void Set(string type, ulong address, string member, ulong value)
    {
        var location = T(type).FindMember(member);
        Write(address + location.Offset, BitConverter.GetBytes(value).AsSpan(0, (int)location.Type.Resolve().Size));
    }

    public void SetString(string type, ulong address, string member, string value) =>
        Write(address + Offset(type, member), Encoding.ASCII.GetBytes(value + "\0"));

    /// <summary>Places a zeroed object of the type's size.</summary>
    public void Zero(string type, ulong address) => Write(address, new byte[(int)T(type).Size]);

    public void Exclude(ulong address) => _excluded.Add(address & ~(ulong)(Page - 1));

    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done, page = at & ~(ulong)(Page - 1);
            if (_excluded.Contains(page)) return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.Excluded, false));
            if (!_pages.TryGetValue(page, out var bytes)) return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotMapped, false));
            int chunk = Math.Min(Page - (int)(at - page), destination.Length - done);
            bytes.AsSpan((int)(at - page), chunk).CopyTo(destination[done..]);
            done += chunk;
        }
        return ReadResult.Complete(done);
    }

    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => new(0, new MemoryFault(address, MemoryFaultKind.NotInDump, true));

    public Translation Translate(ulong virtualAddress) => new(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NotMapped, false));

    // IKernel ---------------------------------------------------------------------------------------------------
    public IDumpSource Dump => throw new NotSupportedException("a test kernel has no dump file");
    public IKernelMemory Memory => this;
    public ISymbolTable Symbols => this;
    public ITypeCatalog Types => this;
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();
    public VmcoreInfo? VmcoreInfo => null;
    public string Release => "test";
    public string Architecture => "x86_64";
    public int PageSize => Page;
    public ulong KaslrOffset => 0;
    public uint NrCpuIds => (uint)Cpus;
    public uint NrNodeIds => 1;
    public CpuMask PossibleCpus => CpuMask.FirstN(Cpus);
    public CpuMask OnlineCpus => CpuMask.FirstN(Cpus);
    public ulong PerCpuOffset(int cpu) => cpu < Cpus ? 0x1000_0000UL * (ulong)(cpu + 1) : throw new ArgumentOutOfRangeException(nameof(cpu));
    public IReadOnlyList<string> FactNotes => [];

    // ITypeCatalog ----------------------------------------------------------------------------------------------
    public string Source => "test";
    public KernelType? FindType(string name) => _types.GetValueOrDefault(name) ?? _types.GetValueOrDefault("struct " + name);
    public KernelType? FindVariableType(string name) => null;
    public IEnumerable<string> TypeNames => _types.Keys;

    // ISymbolTable ----------------------------------------------------------------------------------------------
    public int Count => SymbolAddresses.Count;
    public bool TryGetAddress(string name, out ulong address) => SymbolAddresses.TryGetValue(name, out address);
    public IEnumerable<KernelSymbol> All => SymbolAddresses.Select(s => new KernelSymbol(s.Key, s.Value, 'D')).OrderBy(s => s.Address);

    public SymbolMatch? Lookup(ulong address)
    {
        var best = All.LastOrDefault(s => s.Address <= address);
        return best.Name is null ? null : new SymbolMatch(best, address - best.Address);
    }

    /// <summary>A pointer whose target is looked up when first needed (types may refer to each other).</summary>
    private sealed class LazyPointer(TestKernel kernel, string target) : KernelType
    {
        public override TypeKind Kind => TypeKind.Pointer;
        public override string Name => "";
        public override ulong Size => 8;
        public override KernelType? Target => kernel.FindType(target) ?? (target.EndsWith('*') ? kernel.Ptr(target[..^1].TrimEnd()) : VoidType.Instance);
    }
}

/// <summary>A struct type declared by a test.</summary>
internal sealed class TestStruct(string name, ulong size = 0) : KernelType
{
    private readonly List<TypeMember> _members = [];
    private ulong _size = size;

    public override TypeKind Kind => TypeKind.Struct;
    public override string Name => name;
    public override ulong Size => _size;
    public override IReadOnlyList<TypeMember> Members => _members;

    public void Append(string member, KernelType type)
    {
        ulong align = Math.Min(8UL, Math.Max(1UL, Align(type)));
        ulong offset = (_size + align - 1) / align * align;
        _members.Add(new TypeMember(member, type, offset * 8, 0));
        _size = (offset + type.Size + 7) / 8 * 8;
    }

    public void Place(string member, KernelType type, ulong offset) => _members.Add(new TypeMember(member, type, offset * 8, 0));

    private static ulong Align(KernelType type)
    {
        var t = type.Resolve();
        return t.Kind switch
        {
            TypeKind.Array => Align(t.Target!),
            TypeKind.Struct or TypeKind.Union => t.Members.Count == 0 ? 1 : t.Members.Max(m => Align(m.Type)),
            _ => t.Size,
        };
    }
}
