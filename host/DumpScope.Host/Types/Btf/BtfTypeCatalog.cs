using DumpScope.Host.Kernel;

namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Kernel types from BTF (the kernel's <c>.BTF</c> section: in dump memory between <c>__start_BTF</c> and
/// <c>__stop_BTF</c>, or a raw BTF file such as <c>/sys/kernel/btf/vmlinux</c>). Loading makes one pass over
/// the type section (record offsets, every string offset and type id checked, reference cycles refused);
/// the name index is built on the first look-up and <see cref="KernelType"/> objects are made on first use
/// and cached. Thread-safe.
/// </summary>
/// <remarks>
/// Name rules (<see cref="ITypeCatalog"/>): "struct X", "union X" and "enum X" look in the tag namespaces;
/// a bare name finds a typedef or base type first, then a struct, union or enum; integer base types answer
/// to any C spelling ("unsigned long" finds BTF's "long unsigned int"). When several types share a name, a
/// complete definition is preferred over a declaration (FWD, an enum without enumerators), then the one
/// with the lowest id; <see cref="FindTypes"/> lists them all. TYPE_TAG and DECL_TAG records are
/// transparent. Split BTF (a kernel module's, whose ids and strings continue vmlinux's: <see cref="FromSplit"/>)
/// finds its own types by name and hands ids below its first to the base catalog.
/// </remarks>
public sealed class BtfTypeCatalog : ITypeCatalog
{
    /// <summary>Largest BTF accepted (a kernel's is a few MiB).</summary>
    public const int MaxBtfSize = 256 << 20;

    private readonly KernelType?[] _types;
    private readonly Lazy<BtfNameIndex> _names;
    private ulong _pointerSize;

    private readonly BtfTypeCatalog? _base;
    private ModuleReader<IReadOnlyList<BtfTypeCatalog>>? _modules;
    private Func<IReadOnlyList<string>>? _moduleProblems;

    private BtfTypeCatalog(BtfTypeTable table, string source, BtfTypeCatalog? baseCatalog = null)
    {
        Table = table;
        Source = source;
        _base = baseCatalog;
        _types = new KernelType?[table.Count - table.FirstId + 1];
        _names = new Lazy<BtfNameIndex>(() => new BtfNameIndex(table), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <summary>Number of type records (type ids run from 1 to this number; id 0 is void).</summary>
    public int TypeCount => Table.Count - Table.FirstId;

    /// <summary>The first type id of this catalog's own (1, or the one after the base's for split BTF).</summary>
    public int FirstTypeId => Table.FirstId;

    /// <summary>Bytes of BTF data.</summary>
    public int DataLength => Table.Length;

    internal BtfTypeTable Table { get; }

    /// <summary>
    /// Gives the reader of the kernel modules' split BTF (run at most once, when a name is not found here: module
    /// types are looked up after vmlinux's). The reader may itself look up types of this catalog.
    /// </summary>
    public void AttachModules(ModuleBtfLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        AttachModules(loader.Load, () => loader.Problems);
    }

    /// <summary>
    /// Gives the modules' catalogs through any reader (run at most once, on first need), and where to find why
    /// modules were left out.
    /// </summary>
    public void AttachModules(Func<IReadOnlyList<BtfTypeCatalog>> reader, Func<IReadOnlyList<string>>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _moduleProblems = problems;
        _modules = new ModuleReader<IReadOnlyList<BtfTypeCatalog>>(reader, []);
    }

    /// <summary>The modules' catalogs, when attached (read now if not yet done); empty while they are being read.</summary>
    public IReadOnlyList<BtfTypeCatalog> Modules => _modules?.Value ?? [];

    /// <summary>Why modules' BTF was left out (after <see cref="Modules"/> was read).</summary>
    public IReadOnlyList<string> ModuleProblems => _modules is { IsRead: true } && _moduleProblems is not null ? _moduleProblems() : [];

    /// <summary>The module this split BTF belongs to, or null for a kernel's own BTF.</summary>
    public string? ModuleName { get; private init; }

    internal BtfNameIndex Names => _names.Value;

    /// <summary>Size of a pointer: that of the INT "long" (BTF has no pointer size), 8 when the BTF lacks it.</summary>
    internal ulong PointerSize
    {
        get
        {
            if (_pointerSize == 0 && _base is not null) _pointerSize = _base.PointerSize;
            if (_pointerSize == 0)
            {
                int id = Names.FindInteger("unsigned long");
                if (id == 0) id = Names.FindInteger("long");
                _pointerSize = id != 0 ? Table.SizeOrType(id) : 8;
            }
            return _pointerSize;
        }
    }

    /// <summary>Loads a raw BTF file (e.g. a copy of /sys/kernel/btf/vmlinux or an objcopy'd .BTF section).</summary>
    public static BtfTypeCatalog FromFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxBtfSize)
            throw BtfError.At(path, 0, $"the file is {stream.Length} bytes, more than the {MaxBtfSize} bytes accepted for BTF");
        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        return Load(data, path, $"BTF file {path} ({data.Length} bytes)");
    }

    /// <summary>Loads BTF from bytes; <paramref name="sourceDescription"/> names them in messages.</summary>
    public static BtfTypeCatalog FromBytes(byte[] data, string sourceDescription)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > MaxBtfSize)
            throw BtfError.At(sourceDescription, 0, $"{data.Length} bytes is more than the {MaxBtfSize} bytes accepted for BTF");
        return Load(data, sourceDescription, $"{sourceDescription} ({data.Length} bytes)");
    }

    /// <summary>
    /// Loads the kernel's own BTF from dump memory between <paramref name="start"/> (<c>__start_BTF</c>) and
    /// <paramref name="stop"/> (<c>__stop_BTF</c>), read page by page. An unreadable page throws
    /// <see cref="MemoryFaultException"/> naming its address.
    /// </summary>
    public static BtfTypeCatalog FromMemory(IKernelMemory memory, ulong start, ulong stop, int pageSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "the page size must be a power of two");
        string where = $"BTF in dump memory at 0x{start:x}";
        if (stop <= start)
            throw BtfError.At(where, 0, $"__stop_BTF 0x{stop:x} is not above __start_BTF 0x{start:x}");
        if (stop - start > MaxBtfSize)
            throw BtfError.At(where, 0, $"__stop_BTF - __start_BTF is {stop - start} bytes, more than the {MaxBtfSize} bytes accepted for BTF");
        var data = ReadMemory(memory, start, (int)(stop - start), pageSize, "kernel BTF (__start_BTF");
        return Load(data, where, $"BTF in dump memory ({data.Length} bytes)");
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes of BTF from dump memory page by page; a fault throws
    /// <see cref="MemoryFaultException"/> with the offset it hit, after <paramref name="what"/>.
    /// </summary>
    public static byte[] ReadMemory(IKernelMemory memory, ulong start, int length, int pageSize, string what)
    {
        var data = new byte[length];
        int done = 0;
        while (done < data.Length)
        {
            ulong at = start + (ulong)done;
            int chunk = (int)Math.Min((ulong)(data.Length - done), (ulong)pageSize - (at & (ulong)(pageSize - 1)));
            var result = memory.ReadVirtual(at, data.AsSpan(done, chunk));
            if (result.Fault is { } fault)
                throw new MemoryFaultException(fault.WithContext($"{what}+0x{done + result.BytesRead:x} of 0x{data.Length:x})"));
            done += chunk;
        }
        return data;
    }

    /// <summary>
    /// Loads split BTF whose ids and string offsets continue <paramref name="baseCatalog"/>'s (a kernel module's BTF
    /// on top of vmlinux's). <paramref name="startId"/> and <paramref name="startStringOffset"/>, when the kernel
    /// records them (<c>struct btf</c> start_id, start_str_off), must be where the base ends: otherwise the module
    /// was built against another vmlinux BTF and its references would name the wrong types.
    /// </summary>
    public static BtfTypeCatalog FromSplit(BtfTypeCatalog baseCatalog, byte[] data, string sourceDescription, uint? startId = null, uint? startStringOffset = null, string? moduleName = null)
    {
        ArgumentNullException.ThrowIfNull(baseCatalog);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > MaxBtfSize)
            throw BtfError.At(sourceDescription, 0, $"{data.Length} bytes is more than the {MaxBtfSize} bytes accepted for BTF");
        var baseTable = baseCatalog.Table;
        if (startId is { } id && id != (uint)baseTable.Count)
            throw BtfError.At(sourceDescription, 0, $"start_id {id} does not continue the base BTF, whose ids end at {baseTable.Count - 1}");
        if (startStringOffset is { } off && off != baseTable.StringSpace)
            throw BtfError.At(sourceDescription, 0, $"start_str_off {off} does not continue the base BTF, whose strings end at {baseTable.StringSpace}");
        var table = BtfTypeTable.Parse(data, sourceDescription, baseTable);
        return new BtfTypeCatalog(table, $"{sourceDescription} ({data.Length} bytes, split on {baseCatalog.Source})", baseCatalog) { ModuleName = moduleName };
    }

    private static BtfTypeCatalog Load(byte[] data, string errorSource, string description)
    {
        var table = BtfTypeTable.Parse(data, errorSource);
        return new BtfTypeCatalog(table, description);
    }

    /// <inheritdoc/>
    public KernelType? FindType(string name)
    {
        var text = Normalize(name);
        if (text.Length == 0) return null;
        if (TryTagged(text, "struct ", BtfNameIndex.Space.Struct, out var tagged) ||
            TryTagged(text, "union ", BtfNameIndex.Space.Union, out tagged) ||
            TryTagged(text, "enum ", BtfNameIndex.Space.Enum, out tagged))
            return tagged ?? FromModules(m => m.FindType(text)) ?? ModuleDebugTypes.FindType(text);
        var names = Names;
        int id = names.Find(BtfNameIndex.Space.Ordinary, text);
        if (id == 0) id = names.Find(BtfNameIndex.Space.Struct, text);
        if (id == 0) id = names.Find(BtfNameIndex.Space.Union, text);
        if (id == 0) id = names.Find(BtfNameIndex.Space.Enum, text);
        if (id == 0) id = names.FindInteger(text);
        return id == 0 ? FromModules(m => m.FindType(text)) ?? ModuleDebugTypes.FindType(text) : Get(id);
    }

    /// <summary>Types from the modules' debug files (<c>mod -S</c>), looked up after this BTF and the modules' BTF.</summary>
    public ModuleDebugTypes ModuleDebugTypes { get; } = new();

    private KernelType? FromModules(Func<BtfTypeCatalog, KernelType?> find)
    {
        if (_modules is null) return null;
        foreach (var module in Modules)
            if (find(module) is { } found) return found;
        return null;
    }

    /// <summary>
    /// Every type with the name, the one <see cref="FindType"/> returns first: BTF may hold several
    /// structs of one name from different compilation units, and declarations beside a definition.
    /// </summary>
    public IReadOnlyList<KernelType> FindTypes(string name)
    {
        var text = Normalize(name);
        var names = Names;
        IEnumerable<int> ids;
        if (text.StartsWith("struct ", StringComparison.Ordinal)) ids = names.FindAll(BtfNameIndex.Space.Struct, text[7..]);
        else if (text.StartsWith("union ", StringComparison.Ordinal)) ids = names.FindAll(BtfNameIndex.Space.Union, text[6..]);
        else if (text.StartsWith("enum ", StringComparison.Ordinal)) ids = names.FindAll(BtfNameIndex.Space.Enum, text[5..]);
        else
            ids = names.FindAll(BtfNameIndex.Space.Ordinary, text)
                .Concat(names.FindAll(BtfNameIndex.Space.Struct, text))
                .Concat(names.FindAll(BtfNameIndex.Space.Union, text))
                .Concat(names.FindAll(BtfNameIndex.Space.Enum, text));
        return ids.Select(Get).ToArray();
    }

    /// <summary>
    /// The type of a BTF VAR: kernel BTF describes per-cpu variables (<c>runqueues</c>, <c>cpu_info</c>) and
    /// no other globals, so most names give null.
    /// </summary>
    /// <remarks>
    /// BTF describes only per-cpu variables; for other globals the host's declared set answers when it has
    /// been attached (<see cref="DeclaredGlobals"/>, checked against these types and the kernel's symbols).
    /// </remarks>
    public KernelType? FindVariableType(string name)
    {
        int id = Names.Find(BtfNameIndex.Space.Variable, name.Trim());
        return id == 0 ? FromModules(m => m.FindVariableType(name)) ?? DeclaredGlobals?.Find(name.Trim()) ?? ModuleDebugTypes.FindVariableType(name) : Get((int)Table.SizeOrType(id));
    }

    /// <summary>The declared globals answering for variables BTF does not describe (set once, before the catalog is shared).</summary>
    public Globals.DeclaredGlobals? DeclaredGlobals { get; internal set; }

    /// <summary>The prototype of a function BTF describes (a FUNC record), or null.</summary>
    public KernelType? FindFunctionType(string name)
    {
        int id = Names.Find(BtfNameIndex.Space.Function, name.Trim());
        return id == 0 ? null : Get(id);
    }

    /// <inheritdoc/>
    public IEnumerable<string> TypeNames
    {
        get
        {
            var names = Names;
            foreach (var n in names.Names(BtfNameIndex.Space.Ordinary)) yield return n;
            foreach (var n in names.Names(BtfNameIndex.Space.Struct)) yield return "struct " + n;
            foreach (var n in names.Names(BtfNameIndex.Space.Union)) yield return "union " + n;
            foreach (var n in names.Names(BtfNameIndex.Space.Enum)) yield return "enum " + n;
            if (_modules is null) yield break;
            foreach (var module in Modules)
                foreach (var n in module.TypeNames) yield return n;
        }
    }

    /// <summary>
    /// The type with a BTF id (0 is void). TYPE_TAG ids give the tagged type; FUNC ids give their prototype.
    /// </summary>
    public KernelType TypeById(int id)
    {
        if (id < 0 || id >= Table.Count)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"type ids run from 0 to {Table.Count - 1} in {Source}");
        return Get(id);
    }

    internal KernelType Get(int id)
    {
        if (id == 0) return VoidType.Instance;
        if (id < Table.FirstId) return _base!.Get(id);
        int slot = id - Table.FirstId + 1;
        var cached = Volatile.Read(ref _types[slot]);
        if (cached is not null) return cached;
        var made = Create(id);
        return Interlocked.CompareExchange(ref _types[slot], made, null) ?? made;
    }

    private KernelType Create(int id)
    {
        var kind = Table.Kind(id);
        switch (kind)
        {
            case BtfKind.Int: return new BtfIntegerType(this, id);
            case BtfKind.Float: return new BtfFloatType(this, id);
            case BtfKind.Ptr: return new BtfReferenceType(this, id, TypeKind.Pointer);
            case BtfKind.Typedef: return new BtfReferenceType(this, id, TypeKind.Typedef);
            case BtfKind.Const: return new BtfReferenceType(this, id, TypeKind.Const);
            case BtfKind.Volatile: return new BtfReferenceType(this, id, TypeKind.Volatile);
            case BtfKind.Restrict: return new BtfReferenceType(this, id, TypeKind.Restrict);
            case BtfKind.Array: return new BtfArrayType(this, id);
            case BtfKind.Struct: return new BtfAggregateType(this, id, TypeKind.Struct);
            case BtfKind.Union: return new BtfAggregateType(this, id, TypeKind.Union);
            case BtfKind.Enum: return new BtfEnumType(this, id, is64: false);
            case BtfKind.Enum64: return new BtfEnumType(this, id, is64: true);
            case BtfKind.Fwd: return new BtfForwardType(this, id);
            case BtfKind.FuncProto: return new BtfFunctionType(this, id);
            // Type tags (__user, __rcu) say nothing about layout: the tagged type stands in for them.
            case BtfKind.TypeTag: return Get((int)Table.SizeOrType(id));
            case BtfKind.Func:
                {
                    int proto = (int)Table.SizeOrType(id);
                    if (Table.Kind(proto) != BtfKind.FuncProto)
                        throw Table.Error(Table.RecordOffset(id) + 8, $"FUNC {id} '{Table.Name(id)}' refers to type {proto} ({Table.Kind(proto)}), expected a FUNC_PROTO");
                    return Get(proto);
                }
            default:
                throw Table.Error(Table.RecordOffset(id), $"type {id} is a {kind} record ('{Table.Name(id)}'), which is not a data type, but is used as one");
        }
    }

    private bool TryTagged(string text, string prefix, BtfNameIndex.Space space, out KernelType? type)
    {
        type = null;
        if (!text.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int id = Names.Find(space, text[prefix.Length..]);
        type = id == 0 ? null : Get(id);
        return true;
    }

    private static string Normalize(string name)
    {
        var text = name.Trim();
        if (!text.Contains("  ", StringComparison.Ordinal) && !text.Contains('\t')) return text;
        return string.Join(' ', text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }
}
