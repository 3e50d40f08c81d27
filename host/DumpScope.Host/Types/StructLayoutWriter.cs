namespace DumpScope.Host.Types;

/// <summary>
/// A struct or union's layout as a table, pahole-style: anonymous members expanded and indented, bitfields
/// at the offset of their storage unit with the bit position inside it.
/// </summary>
internal sealed class StructLayoutWriter
{
    private readonly TableBlock _table;
    private readonly string? _member;
    private readonly int _maxDepth;

    private StructLayoutWriter(TableBlock table, string? member, int maxDepth)
    {
        _table = table;
        _member = member;
        _maxDepth = maxDepth;
    }

    /// <summary>The layout table of <paramref name="type"/>, optionally limited to one member path.</summary>
    public static TableBlock Write(KernelType type, StructPrintOptions options)
    {
        var table = new TableBlock(
            new Column("OFFSET", CellKind.Integer),
            new Column("BIT", CellKind.Integer),
            new Column("SIZE", CellKind.Integer),
            new Column("TYPE"),
            new Column("NAME"))
        { Title = $"{type.DisplayName} ({type.Size} bytes)" };
        var resolved = type.Resolve();
        var writer = new StructLayoutWriter(table, options.Member, options.MaxDepth);
        if (resolved.Kind is TypeKind.Struct or TypeKind.Union)
            writer.Members(resolved, 0, "", 0);
        else
            table.AddRow(Cell.Int(0), Cell.NotApplicable(CellKind.Integer), Cell.UInt(type.Size), Cell.Text(type.DisplayName), Cell.Text(""));
        return table;
    }

    private void Members(KernelType aggregate, ulong baseBits, string prefix, int depth)
    {
        string indent = new(' ', depth * 2);
        foreach (var m in aggregate.Members)
        {
            ulong bits = baseBits + m.BitOffset;
            string path = m.Name.Length == 0 ? prefix : StructPaths.Join(prefix, m.Name);
            var memberType = m.Type.Resolve();
            bool anonymous = m.Name.Length == 0 && memberType.Kind is TypeKind.Struct or TypeKind.Union;
            if (_member is null || StructPaths.IsWithin(path, _member))
            {
                Cell offset, bit;
                if (m.IsBitfield)
                {
                    var (unitOffset, unitBit) = BitfieldUnit.Of(bits, memberType.Size);
                    offset = Cell.UInt(unitOffset);
                    bit = Cell.UInt(unitBit);
                }
                else
                {
                    offset = Cell.UInt(bits / 8);
                    bit = Cell.NotApplicable(CellKind.Integer);
                }
                string name = m.IsBitfield ? $"{m.Name}:{m.BitSize}" : m.Name;
                _table.AddRow(offset, bit, Cell.UInt(m.Type.Size), Cell.Text(m.Type.DisplayName), Cell.Text(name.Length == 0 ? "" : indent + name));
            }
            if (depth >= _maxDepth || memberType.Kind is not (TypeKind.Struct or TypeKind.Union)) continue;
            // Anonymous members belong to this type's own namespace; a named one is expanded only on the way to,
            // or inside, the member asked for.
            bool expand = anonymous ||
                (_member is not null && (StructPaths.IsWithin(path, _member) || StructPaths.IsWithin(_member, path)));
            if (expand) Members(memberType, bits, path, depth + 1);
        }
    }
}
