namespace DumpScope.Testing.Kallsyms;

/// <summary>Which generation of scripts/kallsyms output to imitate.</summary>
public enum KallsymsLayout
{
    /// <summary>4.6–6.3: kallsyms_offsets, kallsyms_relative_base, num_syms, names, markers, token_table, token_index (8-aligned).</summary>
    OffsetsFirst,

    /// <summary>6.2–6.3: as <see cref="OffsetsFirst"/> with kallsyms_seqs_of_names (3 bytes per symbol) between markers and token_table.</summary>
    SeqsBetween,

    /// <summary>No CONFIG_KALLSYMS_BASE_RELATIVE: 64-bit kallsyms_addresses, then num_syms, names, markers, tokens.</summary>
    AddressesFirst,

    /// <summary>6.4 on: num_syms, names, markers, token_table, token_index, offsets, relative_base.</summary>
    OffsetsLast,

    /// <summary>Without kallsyms_relative_base: offsets from each entry's own address, after token_index, all 4-aligned.</summary>
    PlaceRelative,
}

/// <summary>
/// A kallsyms table laid out the way scripts/kallsyms emits it (token table, token index, names with one- or
/// two-byte lengths, markers every 256 symbols, the addresses in the layout's encoding), as bytes to be mapped
/// at <see cref="Address"/>, with where each table landed.
/// </summary>
public sealed class KallsymsImage
{
    // A few multi-character tokens, one of which swallows the type letter, as the real compressor does.
    private static readonly string[] MultiTokens = ["Tin", "it_", "task", "__", "per_cpu", "sym", "tt"];

    private KallsymsImage(byte[] bytes, ulong address) { Bytes = bytes; Address = address; }

    /// <summary>The image.</summary>
    public byte[] Bytes { get; }

    /// <summary>Where byte 0 of <see cref="Bytes"/> is mapped.</summary>
    public ulong Address { get; }

    /// <summary>kallsyms_names.</summary>
    public ulong NamesAddress { get; private init; }
    /// <summary>kallsyms_num_syms.</summary>
    public ulong NumSymsAddress { get; private init; }
    /// <summary>kallsyms_markers.</summary>
    public ulong MarkersAddress { get; private init; }
    /// <summary>kallsyms_token_table.</summary>
    public ulong TokenTableAddress { get; private init; }
    /// <summary>kallsyms_token_index.</summary>
    public ulong TokenIndexAddress { get; private init; }
    /// <summary>kallsyms_offsets or kallsyms_addresses.</summary>
    public ulong AddressTableAddress { get; private init; }
    /// <summary>kallsyms_seqs_of_names, or null (layouts without it before the token table).</summary>
    public ulong? SeqsOfNamesAddress { get; private init; }
    /// <summary>kallsyms_relative_base, or null (absolute addresses, place-relative offsets).</summary>
    public ulong? RelativeBaseAddress { get; private init; }

    /// <summary>
    /// Builds the image. <paramref name="absolutePercpu"/> (CONFIG_KALLSYMS_ABSOLUTE_PERCPU) stores addresses below
    /// <paramref name="relativeBase"/> as themselves and the others as relative_base − 1 − address;
    /// <paramref name="markerSize"/> 8 imitates kernels before 4.20 whose markers were unsigned long.
    /// <paramref name="prefix"/> bytes of filler come first (0xcc, as code would be).
    /// </summary>
    public static KallsymsImage Build(IReadOnlyList<KernelSymbol> symbols, KallsymsLayout layout, ulong address, ulong relativeBase = 0,
        bool absolutePercpu = false, int markerSize = 4, int prefix = 0)
    {
        var tokens = new string[256];
        for (int i = 0; i < 256; i++) tokens[i] = i is >= 0x21 and < 0x7f ? ((char)i).ToString() : $"<{i}>";
        for (int i = 0; i < MultiTokens.Length; i++) tokens[1 + i] = MultiTokens[i];
        var tokenTable = new List<byte>();
        var tokenIndex = new byte[512];
        for (int i = 0; i < 256; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tokenIndex.AsSpan(i * 2), (ushort)tokenTable.Count);
            tokenTable.AddRange(Encoding.ASCII.GetBytes(tokens[i]));
            tokenTable.Add(0);
        }

        var names = new List<byte>();
        var markers = new List<int>();
        for (int n = 0; n < symbols.Count; n++)
        {
            if (n % 256 == 0) markers.Add(names.Count);
            var encoded = Encode(symbols[n].Type + symbols[n].Name, tokens);
            if (encoded.Count < 0x80) names.Add((byte)encoded.Count);
            else { names.Add((byte)(0x80 | (encoded.Count & 0x7f))); names.Add((byte)(encoded.Count >> 7)); }
            names.AddRange(encoded);
        }
        var markerBytes = new byte[markers.Count * markerSize];
        for (int i = 0; i < markers.Count; i++)
        {
            if (markerSize == 8) BinaryPrimitives.WriteUInt64LittleEndian(markerBytes.AsSpan(i * 8), (ulong)markers[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(markerBytes.AsSpan(i * 4), (uint)markers[i]);
        }

        int alignment = layout == KallsymsLayout.PlaceRelative ? 4 : 8;
        var image = new List<byte>(Enumerable.Repeat((byte)0xcc, prefix));
        ulong Append(byte[] bytes)
        {
            while ((address + (ulong)image.Count) % (ulong)alignment != 0) image.Add(0);
            ulong at = address + (ulong)image.Count;
            image.AddRange(bytes);
            return at;
        }
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(count, (uint)symbols.Count);
        var baseBytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(baseBytes, relativeBase);

        ulong offsetsAt = 0, baseAt = 0, countAt, namesAt, markersAt, tableAt, indexAt;
        ulong? seqsAt = null;
        bool relative = layout is KallsymsLayout.OffsetsFirst or KallsymsLayout.SeqsBetween or KallsymsLayout.OffsetsLast;
        bool addressesFirst = layout is KallsymsLayout.OffsetsFirst or KallsymsLayout.SeqsBetween or KallsymsLayout.AddressesFirst;
        if (addressesFirst)
        {
            // The address table's bytes depend only on the symbols here (not on where it lands).
            offsetsAt = Append(AddressTable(symbols, layout, 0, relativeBase, absolutePercpu));
            if (layout != KallsymsLayout.AddressesFirst) baseAt = Append(baseBytes);
        }
        countAt = Append(count);
        namesAt = Append(names.ToArray());
        markersAt = Append(markerBytes);
        if (layout == KallsymsLayout.SeqsBetween) seqsAt = Append(SeqsOfNames(symbols));
        tableAt = Append(tokenTable.ToArray());
        indexAt = Append(tokenIndex);
        if (!addressesFirst)
        {
            while ((address + (ulong)image.Count) % (ulong)alignment != 0) image.Add(0);
            offsetsAt = Append(AddressTable(symbols, layout, address + (ulong)image.Count, relativeBase, absolutePercpu));
            if (layout == KallsymsLayout.OffsetsLast) baseAt = Append(baseBytes);
        }
        return new KallsymsImage(image.ToArray(), address)
        {
            NamesAddress = namesAt, NumSymsAddress = countAt, MarkersAddress = markersAt, TokenTableAddress = tableAt, TokenIndexAddress = indexAt,
            AddressTableAddress = offsetsAt, RelativeBaseAddress = relative ? baseAt : null, SeqsOfNamesAddress = seqsAt,
        };
    }

    /// <summary>The VMCOREINFO lines of a 6.x kernel that names these tables, plus SYMBOL(_stext).</summary>
    public string VmcoreInfoText(ulong stext)
    {
        var text = new StringBuilder("OSRELEASE=test\n");
        text.Append(CultureInfo.InvariantCulture, $"SYMBOL(_stext)={stext:x}\nSYMBOL(kallsyms_names)={NamesAddress:x}\nSYMBOL(kallsyms_num_syms)={NumSymsAddress:x}\n");
        text.Append(CultureInfo.InvariantCulture, $"SYMBOL(kallsyms_token_table)={TokenTableAddress:x}\nSYMBOL(kallsyms_token_index)={TokenIndexAddress:x}\n");
        text.Append(CultureInfo.InvariantCulture, $"SYMBOL(kallsyms_offsets)={AddressTableAddress:x}\n");
        if (RelativeBaseAddress is { } rb) text.Append(CultureInfo.InvariantCulture, $"SYMBOL(kallsyms_relative_base)={rb:x}\n");
        return text.ToString();
    }

    private static byte[] AddressTable(IReadOnlyList<KernelSymbol> symbols, KallsymsLayout layout, ulong tableAddress, ulong relativeBase, bool absolutePercpu)
    {
        if (layout == KallsymsLayout.AddressesFirst)
        {
            var addresses = new byte[symbols.Count * 8];
            for (int i = 0; i < symbols.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(addresses.AsSpan(i * 8), symbols[i].Address);
            return addresses;
        }
        var offsets = new byte[symbols.Count * 4];
        for (int i = 0; i < symbols.Count; i++)
        {
            ulong a = symbols[i].Address;
            int value = layout == KallsymsLayout.PlaceRelative ? checked((int)unchecked((long)(a - (tableAddress + (ulong)i * 4))))
                : absolutePercpu ? a < relativeBase ? checked((int)a) : checked((int)unchecked((long)(relativeBase - 1 - a)))
                : unchecked((int)(uint)(a - relativeBase));
            BinaryPrimitives.WriteInt32LittleEndian(offsets.AsSpan(i * 4), value);
        }
        return offsets;
    }

    // Each symbol's index in name order, 3 bytes big-endian (what kallsyms_lookup_name() bisects).
    private static byte[] SeqsOfNames(IReadOnlyList<KernelSymbol> symbols)
    {
        var order = Enumerable.Range(0, symbols.Count).OrderBy(i => symbols[i].Name, StringComparer.Ordinal).ToArray();
        var bytes = new byte[order.Length * 3];
        for (int i = 0; i < order.Length; i++)
        {
            bytes[i * 3] = (byte)(order[i] >> 16);
            bytes[i * 3 + 1] = (byte)(order[i] >> 8);
            bytes[i * 3 + 2] = (byte)order[i];
        }
        return bytes;
    }

    private static List<byte> Encode(string text, string[] tokens)
    {
        var result = new List<byte>();
        int at = 0;
        while (at < text.Length)
        {
            int best = -1;
            for (int i = 1; i <= MultiTokens.Length; i++)
                if (text.AsSpan(at).StartsWith(tokens[i], StringComparison.Ordinal) && (best < 0 || tokens[i].Length > tokens[best].Length)) best = i;
            if (best < 0)
            {
                best = text[at];
                if (best > 255 || tokens[best].Length != 1) throw new ArgumentException($"'{text[at]}' cannot be encoded");
            }
            result.Add((byte)best);
            at += tokens[best].Length;
        }
        return result;
    }
}
