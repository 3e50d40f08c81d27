using DumpScope.Host.Types;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// The entries of a walk (<c>list</c>, <c>tree</c>) as a table: each entry's address and, with <c>-s TYPE[.member,…]</c>,
/// the members crash prints under it (<see cref="GdbValueWriter"/>). Text output is crash's layout (the address line,
/// then <c>  member = value,</c> lines); JSON and CSV get one typed column per member. An entry whose memory cannot be
/// read keeps its row, marked unreadable with the fault.
/// </summary>
internal sealed class EntryMembers
{
    private readonly IKernel _kernel;
    private readonly KernelType? _type;
    private readonly string[] _members;
    private readonly MemberLocation[] _locations;
    private readonly ulong _readLength;

    private EntryMembers(IKernel kernel, KernelType? type, string[] members, MemberLocation[] locations)
    {
        _kernel = kernel;
        _type = type;
        _members = members;
        _locations = locations;
        _readLength = type is null ? 0 : members.Length == 0 ? type.Resolve().Size
            : locations.Max(l => (l.BitOffset + Math.Max(l.BitSize, (uint)(l.Type.Resolve().Size * 8)) + 7) / 8);
    }

    /// <summary>The entries' type when one was given (for navigation), else null.</summary>
    public KernelType? Type => _type;

    /// <summary>
    /// From <c>-s</c>'s text: "task_struct.pid,comm" (members of task_struct), "task_struct" (every member), or
    /// null (addresses only); <paramref name="fallbackType"/> is the type of an <c>-o T.member</c>, used when
    /// <c>-s</c> names members without a type.
    /// </summary>
    public static EntryMembers Parse(IKernel kernel, string? spec, KernelType? fallbackType, bool trailingCommas = true)
    {
        var parsed = ParseSpec(kernel, spec, fallbackType);
        return trailingCommas ? parsed : parsed.WithoutTrailingCommas();
    }

    private EntryMembers WithoutTrailingCommas() => new(_kernel, _type, _members, _locations) { AddressesOnly = AddressesOnly, TrailingCommas = false };

    /// <summary>False for crash's <c>-S</c>: member lines end without gdb's comma.</summary>
    private bool TrailingCommas { get; init; } = true;

    private static EntryMembers ParseSpec(IKernel kernel, string? spec, KernelType? fallbackType)
    {
        if (spec is null) return new EntryMembers(kernel, fallbackType, [], []) { AddressesOnly = true };
        var text = spec.Trim();
        int dot = text.IndexOf('.');
        string typeName = dot < 0 ? text : text[..dot];
        var type = kernel.Types.TryParse(typeName) ?? throw new UsageException($"-s: unknown type '{typeName}' ({kernel.Types.Source})");
        if (!type.IsAggregate) throw new UsageException($"-s: {type.DisplayName} is not a struct or union");
        var members = dot < 0 ? [] : text[(dot + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var locations = new MemberLocation[members.Length];
        for (int i = 0; i < members.Length; i++)
            if (!type.Resolve().TryFindMember(members[i], out locations[i]))
                throw new UsageException($"-s: {type.DisplayName} has no member '{members[i]}'");
        return new EntryMembers(kernel, type, members, locations);
    }

    /// <summary>
    /// crash's -S names the function a 64-bit member's value points into (kernel or module text), as "sym" or "sym+off"
    /// (decimal); null for any other value.
    /// </summary>
    private string? TextSymbol(MemberLocation location, ReadOnlySpan<byte> bytes)
    {
        var type = location.Type.Resolve();
        if (location.BitSize != 0 || type.Size != 8 || type.Kind is not (TypeKind.Integer or TypeKind.Pointer) || bytes.Length < 8) return null;
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (!KernelAddress.IsKernel(value) || _kernel.Symbols.Lookup(value) is not { Symbol.Type: 't' or 'T' or 'w' or 'W' } match) return null;
        var (_, end) = DisCommand.Bounds(_kernel.Symbols, value, match);
        if (end is not { } next || value >= next) return null;
        return match.Offset == 0 ? match.Symbol.Name : $"{match.Symbol.Name}+{match.Offset}";
    }

    /// <summary>True when only the addresses are shown.</summary>
    public bool AddressesOnly { get; private init; }

    /// <summary>The table for the entries, with <paramref name="leading"/> columns before the address (tree positions).</summary>
    public TableBlock NewTable(string? title, params Column[] leading)
    {
        var columns = new List<Column>(leading) { new("ADDRESS", CellKind.Address) };
        if (!AddressesOnly)
        {
            if (_members.Length == 0) columns.Add(new Column("VALUE", CellKind.Text));
            else columns.AddRange(_members.Select(m => new Column(m, CellKind.Text, Column.SnakeCase(m))));
        }
        return new TableBlock([.. columns]) { Title = title, TextFromRows = true };
    }

    /// <summary>Adds the row of the entry at <paramref name="address"/>; <paramref name="prefix"/> cells fill the leading columns, <paramref name="line"/> is its first text line (default: the address).</summary>
    public TableRow AddRow(TableBlock table, ulong address, Cell[] prefix, string? line = null)
    {
        var cells = new List<Cell>(prefix) { Cell.Address(address) };
        var text = new List<string> { line ?? address.ToString("x16", CultureInfo.InvariantCulture) };
        string? problem = null;
        if (!AddressesOnly)
        {
            var snapshot = MemorySnapshot.Read(_kernel.Memory, address, (int)Math.Min(_readLength, 1 << 20), _kernel.PageSize);
            var bytes = new byte[snapshot.Length];
            if (_members.Length == 0)
            {
                if (snapshot.TryRead(address, bytes) is { } fault)
                {
                    problem = fault.Message;
                    cells.Add(Cell.Unreadable(problem));
                    text.Add($"struct {_type!.Resolve().Name}: unreadable: {problem}");
                }
                else
                {
                    var whole = _type!;
                    var lines = GdbValueWriter.Member(_kernel, "", new MemberLocation(0, 0, whole), bytes, "");
                    lines[0] = $"struct {whole.Resolve().Name} {lines[0].TrimStart()[3..]}";
                    if (lines[^1].EndsWith(',')) lines[^1] = lines[^1][..^1];
                    text.AddRange(lines);
                    cells.Add(Cell.Text(string.Join('\n', lines)));
                }
            }
            for (int i = 0; i < _members.Length; i++)
            {
                var location = _locations[i];
                ulong size = (Math.Max(location.BitSize, (uint)(location.Type.Resolve().Size * 8)) + (location.BitOffset % 8) + 7) / 8;
                var fault = snapshot.TryRead(address + location.Offset, bytes.AsSpan((int)location.Offset, (int)size));
                if (fault is not null)
                {
                    problem ??= $"{_members[i]}: {fault.Message}";
                    cells.Add(Cell.Unreadable(fault.Message));
                    text.Add($"  {_members[i]} = <unreadable: {fault.Message}>,");
                    continue;
                }
                var lines = GdbValueWriter.Member(_kernel, _members[i], location, bytes, "  ");
                if (!TrailingCommas && lines[^1].EndsWith(',')) lines[^1] = lines[^1][..^1];
                if (!TrailingCommas && lines.Count == 1 && TextSymbol(location, bytes.AsSpan((int)location.Offset)) is { } symbol) lines[0] += $" <{symbol}>";
                text.AddRange(lines);
                var scalar = GdbValueWriter.ScalarValue(_kernel, location, bytes);
                cells.Add(scalar is { } s ? s.Cell.Displayed(s.Text) : Cell.Text(string.Join('\n', lines.Select(l => l.Trim()))));
            }
        }
        var row = table.AddRow([.. cells]);
        row.Text = string.Join('\n', text);
        row.Problem = problem;
        if (_type is not null) row.WithTarget($"struct {_type.Resolve().Name}", new ObjectTarget(_type.Resolve().DisplayName, address));
        else row.WithTarget("rd", new MemoryTarget(address, 8));
        return row;
    }
}
