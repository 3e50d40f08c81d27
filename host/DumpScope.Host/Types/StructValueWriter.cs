namespace DumpScope.Host.Types;

/// <summary>
/// An object's member values as a table: nested structs flattened into dotted names, anonymous members
/// under their parent's name, arrays summarised after a number of elements. The object is read once
/// through <see cref="KernelObject.Load"/>, never past its runtime size; members past that size are marked
/// absent, members on unreadable pages carry the fault, and the rest are still printed.
/// </summary>
internal sealed class StructValueWriter
{
    private readonly IKernel _kernel;
    private readonly KernelObject _root;
    private readonly StructPrintOptions _options;
    private readonly TableBlock _table;
    private readonly CancellationToken _cancellation;
    private readonly ulong _limit;
    private readonly string? _cutReason;
    private bool _rowsCut;

    private StructValueWriter(IKernel kernel, KernelObject root, StructPrintOptions options, TableBlock table,
        ulong limit, string? cutReason, CancellationToken cancellation)
    {
        _kernel = kernel;
        _root = root;
        _options = options;
        _table = table;
        _limit = limit;
        _cutReason = cutReason;
        _cancellation = cancellation;
    }

    /// <summary>Adds the object's summary record and value table to <paramref name="result"/>.</summary>
    public static void Write(IKernel kernel, KernelType type, ulong address, StructPrintOptions options, CommandResult result, CancellationToken cancellation)
    {
        var resolved = type.Resolve();
        ulong declared = type.Size;
        ulong limit = declared;
        string? cutReason = null;
        var record = result.Add(new RecordBlock { Title = $"{type.DisplayName} at 0x{address:x}" });
        record.Add("TYPE", Cell.Text(type.DisplayName));
        record.Add("ADDRESS", Cell.Address(address));
        record.Add("SIZE", Cell.Size(declared));
        if (kernel.RuntimeSizes.TryGet(resolved.DisplayName, out var live) && live.Size < declared)
        {
            limit = live.Size;
            cutReason = $"not part of the live object (runtime size {live.Size} of declared {declared})";
            record.Add("RUNTIME SIZE", Cell.Size(live.Size));
            record.Add("RUNTIME SIZE SOURCE", Cell.Text(live.Source));
        }

        var columns = new List<Column>();
        if (options.ShowOffsets)
        {
            columns.Add(new Column("OFFSET", CellKind.Integer));
            columns.Add(new Column("ADDRESS", CellKind.Address));
        }
        columns.Add(new Column("NAME"));
        columns.Add(new Column("TYPE"));
        columns.Add(new Column("VALUE"));
        columns.Add(new Column("DETAIL"));
        var table = result.Add(new TableBlock([.. columns]) { Title = $"{type.DisplayName} at 0x{address:x}", MemberPathColumn = "NAME" });

        var root = new KernelObject(kernel, type, address).Load();
        var writer = new StructValueWriter(kernel, root, options, table, limit, cutReason, cancellation);
        writer.Emit(type, "", 0, 0, 0);
        if (writer._rowsCut)
            result.Warnings.Add($"output cut after {options.MaxRows} rows");
    }

    private bool Selected(string path) =>
        _options.Member is not { } member || StructPaths.IsWithin(path, member);

    /// <summary>True when the walk should go into <paramref name="path"/> (it is selected or leads to the selection).</summary>
    private bool Leads(string path) =>
        _options.Member is not { } member || StructPaths.IsWithin(path, member) || StructPaths.IsWithin(member, path);

    private void Emit(KernelType type, string path, ulong bitOffset, uint bitSize, int depth)
    {
        _cancellation.ThrowIfCancellationRequested();
        var resolved = type.Resolve();
        ulong offset = bitOffset / 8;
        switch (resolved.Kind)
        {
            case TypeKind.Struct or TypeKind.Union:
                if (_cutReason is not null && offset >= _limit && resolved.Size > 0)
                {
                    if (Selected(path)) Row(path, type, offset, Cell.NotAvailable(_cutReason), null);
                    return;
                }
                if (depth >= _options.MaxDepth)
                {
                    if (Selected(path)) Row(path, type, offset, Cell.NotApplicable(), $"nested deeper than {_options.MaxDepth} levels: print it on its own");
                    return;
                }
                foreach (var m in resolved.Members)
                {
                    string memberPath = m.Name.Length == 0 ? path : StructPaths.Join(path, m.Name);
                    if (Leads(memberPath))
                        Emit(m.Type, memberPath, bitOffset + m.BitOffset, m.BitSize, m.Name.Length == 0 ? depth : depth + 1);
                }
                return;
            case TypeKind.Array:
                if (Leads(path)) Array(type, resolved, path, bitOffset, depth);
                return;
            default:
                if (Selected(path)) Scalar(type, resolved, path, bitOffset, bitSize);
                return;
        }
    }

    private void Array(KernelType type, KernelType array, string path, ulong bitOffset, int depth)
    {
        ulong offset = bitOffset / 8;
        var element = array.Target ?? VoidType.Instance;
        ulong length = array.ArrayLength, elementSize = element.Size;
        if (length == 0)
        {
            if (Selected(path))
                Row(path, type, offset, Cell.NotAvailable("flexible array member: its length is not part of the type"), null);
            return;
        }
        if (_cutReason is null || offset + array.Size <= _limit)
        {
            if (IsChar(element) && Selected(path))
            {
                Row(path, type, offset, Read(() => Cell.Text(At(path).ReadString((int)Math.Min(array.Size, (ulong)_options.MaxStringLength)))), null);
                return;
            }
            if (element.Resolve() is { Kind: TypeKind.Integer, Size: 1 } && Selected(path))
            {
                int count = (int)Math.Min(length, 64);
                Row(path, type, offset, Read(() => Cell.Text(Convert.ToHexString(At(path).ReadBytes(count)).ToLowerInvariant())),
                    length > 64 ? $"first 64 of {length} bytes" : null);
                return;
            }
        }
        ulong live = length;
        if (_cutReason is not null)
            live = offset >= _limit ? 0 : elementSize == 0 ? length : Math.Min(length, (_limit - offset) / elementSize);
        // When the member asked for lies inside one element ("node[700].nr_partial"), every live element is
        // a candidate; otherwise only the first few are printed and the rest summarised.
        ulong shown = Selected(path) ? Math.Min(live, (ulong)Math.Max(_options.ArrayElements, 0)) : live;
        for (ulong i = 0; i < shown; i++)
        {
            string elementPath = $"{path}[{i}]";
            if (Leads(elementPath)) Emit(element, elementPath, bitOffset + i * elementSize * 8, 0, depth + 1);
        }
        if (!Selected(path)) return;
        if (live > shown)
            Row($"{path}[{shown}..{live - 1}]", element, offset + shown * elementSize, Cell.NotApplicable(),
                $"{live - shown} more elements (-n to show more)");
        if (live < length)
            Row($"{path}[{live}..{length - 1}]", element, offset + live * elementSize, Cell.NotAvailable(_cutReason!), null);
    }

    private void Scalar(KernelType type, KernelType resolved, string path, ulong bitOffset, uint bitSize)
    {
        ulong offset = bitOffset / 8;
        ulong end = bitSize != 0 ? (bitOffset + bitSize + 7) / 8 : offset + resolved.Size;
        if (_cutReason is not null && end > _limit)
        {
            Row(path, type, offset, Cell.NotAvailable(_cutReason), null);
            return;
        }
        string? detail = null;
        TableRow? row;
        switch (resolved.Kind)
        {
            case TypeKind.Integer when bitSize == 0 && resolved.Size > 8:
                {
                    // __int128 and friends: shown whole in hex rather than cut to 64 bits.
                    row = Row(path, type, offset, Read(() =>
                    {
                        var bytes = At(path).ReadBytes((int)resolved.Size);
                        System.Array.Reverse(bytes);
                        return Cell.Text("0x" + Convert.ToHexString(bytes).ToLowerInvariant());
                    }), null);
                    break;
                }
            case TypeKind.Integer or TypeKind.Enum:
                {
                    if (!TryRead(path, out var obj, out ulong raw, out var fault))
                    {
                        row = Row(path, type, offset, Unreadable(fault!), null);
                        break;
                    }
                    int bits = obj.BitSize != 0 ? (int)obj.BitSize : (int)resolved.Size * 8;
                    long signedValue = bits >= 64 ? (long)raw : (long)(raw << (64 - bits)) >> (64 - bits);
                    long value = resolved.IsSigned ? signedValue : (long)raw;
                    Cell cell;
                    if (resolved.Kind == TypeKind.Enum)
                    {
                        var name = resolved.Enumerators.FirstOrDefault(e => e.Value == value).Name;
                        cell = name is not null ? Cell.Enum(name) : resolved.IsSigned ? Cell.Int(value) : Cell.UInt(raw);
                        detail = name is not null ? (resolved.IsSigned ? value.ToString(CultureInfo.InvariantCulture) : raw.ToString(CultureInfo.InvariantCulture)) : "no enumerator has this value";
                    }
                    else if (resolved.Name == "_Bool") cell = Cell.Bool(raw != 0);
                    else cell = resolved.IsSigned ? Cell.Int(signedValue) : Cell.UInt(raw);
                    row = Row(path, type, offset, cell, detail);
                    break;
                }
            case TypeKind.Pointer:
                {
                    if (!TryRead(path, out _, out ulong pointer, out var fault))
                    {
                        row = Row(path, type, offset, Unreadable(fault!), null);
                        break;
                    }
                    var target = resolved.Target ?? VoidType.Instance;
                    if (pointer != 0 && IsChar(target)) detail = PointedString(pointer);
                    else if (pointer != 0 && target.Resolve().Kind == TypeKind.Function) detail = _kernel.Symbols.Lookup(pointer)?.ToString();
                    row = Row(path, type, offset, Cell.Address(pointer), detail);
                    var pointee = target.Resolve();
                    if (pointer != 0 && pointee.Kind is TypeKind.Struct or TypeKind.Union && pointee.Name.Length > 0)
                        row?.WithTarget(pointee.DisplayName, new ObjectTarget(pointee.DisplayName, pointer));
                    break;
                }
            case TypeKind.Float:
                {
                    row = Row(path, type, offset, Read(() =>
                    {
                        var bytes = At(path).ReadBytes((int)resolved.Size);
                        double d = resolved.Size switch
                        {
                            4 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
                            8 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                            _ => double.NaN,
                        };
                        return double.IsNaN(d) && resolved.Size is not (4 or 8)
                            ? Cell.NotAvailable($"{resolved.Size}-byte floats are not decoded")
                            : Cell.Text(d.ToString("R", CultureInfo.InvariantCulture));
                    }), null);
                    break;
                }
            default:
                Row(path, type, offset, Cell.NotApplicable(), $"{resolved.Kind.ToString().ToLowerInvariant()} has no value to show");
                break;
        }
    }

    private KernelObject At(string path) => path.Length == 0 ? _root : _root.Member(path);

    private bool TryRead(string path, out KernelObject obj, out ulong value, out MemoryFault? fault)
    {
        obj = At(path);
        return obj.TryReadUnsigned(out value, out fault);
    }

    private Cell Read(Func<Cell> read)
    {
        try
        {
            return read();
        }
        catch (MemoryFaultException e)
        {
            return Unreadable(e.Fault);
        }
    }

    private string PointedString(ulong pointer)
    {
        try
        {
            return "\"" + _kernel.Memory.ReadCString(pointer, _options.MaxStringLength) + "\"";
        }
        catch (MemoryFaultException e)
        {
            return "string unreadable: " + e.Fault.Message;
        }
    }

    private Cell Unreadable(MemoryFault fault) => Cell.Unreadable(fault.WithContext(_root.Type.Resolve().DisplayName).Message);

    private TableRow? Row(string path, KernelType type, ulong offset, Cell value, string? detail)
    {
        if (_table.Rows.Count >= _options.MaxRows)
        {
            _rowsCut = true;
            return null;
        }
        var cells = new List<Cell>(6);
        if (_options.ShowOffsets)
        {
            cells.Add(Cell.UInt(offset));
            cells.Add(Cell.Address(_root.Address + offset));
        }
        cells.Add(Cell.Text(path.Length == 0 ? "(value)" : path));
        cells.Add(Cell.Text(type.DisplayName));
        cells.Add(value);
        cells.Add(detail is null ? Cell.NotApplicable() : Cell.Text(detail));
        var row = _table.AddRow([.. cells]);
        if (value.Absence is Absence.Unreadable or Absence.Corrupt) row.Problem = $"{path}: {value.Reason}";
        return row;
    }

    /// <summary>True for char (also const/volatile char), the element type printed as a string.</summary>
    private static bool IsChar(KernelType type)
    {
        var t = type;
        for (int i = 0; i < 8 && t.Kind is TypeKind.Const or TypeKind.Volatile && t.Target is { } next; i++) t = next;
        return t.Kind == TypeKind.Integer && t.Size == 1 && t.Name == "char";
    }
}
