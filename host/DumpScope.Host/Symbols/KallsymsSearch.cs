namespace DumpScope.Host.Symbols;

/// <summary>
/// Finds the kallsyms tables in the kernel image when VMCOREINFO does not name them (kernels before 6.0).
/// </summary>
/// <remarks>
/// scripts/kallsyms emits the tables into .rodata as one block whose order changed over time:
/// <list type="bullet">
/// <item>up to 6.1: addresses (or offsets, then relative_base), num_syms, names, markers, token_table, token_index;</item>
/// <item>6.2–6.3: the same with kallsyms_seqs_of_names between markers and token_table;</item>
/// <item>6.4 on (commit "scripts/kallsyms: change the output order"): num_syms, names, markers, token_table,
/// token_index, addresses (or offsets, relative_base), seqs_of_names;</item>
/// <item>from the "kallsyms: Get rid of kallsyms relative base" change on: no relative_base (offsets are
/// place-relative) and every label aligned to 4 instead of 8.</item>
/// </list>
/// The token index is the anchor: 256 u16 offsets, the first 0, each the previous plus the length of a short
/// NUL-terminated token, and those tokens lie right before it. Going backwards from the token table come the
/// markers (one u32, or on old kernels one unsigned long, per 256 symbols: the offset of symbol 256k in
/// kallsyms_names, so 0 first and strictly increasing), then the names, whose start is the one place where a
/// walk over the entry lengths reproduces the markers and where num_syms sits just before. On 6.2–6.3 the markers
/// end before kallsyms_seqs_of_names instead (3 bytes per symbol; its size follows from the symbol count the
/// names then give, which is checked). The address table candidates of every layout are returned;
/// <see cref="KallsymsReader"/> keeps the one VMCOREINFO confirms. 6.2–6.3 kernels do name the tables in
/// VMCOREINFO (since 6.0); their search matters for dumps without VMCOREINFO's kallsyms lines (a QEMU dump of a
/// guest without the vmcoreinfo device, a stripped note).
/// </remarks>
internal static class KallsymsSearch
{
    /// <summary>Bytes scanned per read.</summary>
    public const int WindowSize = 1 << 20;

    private const int TokenCount = 256;
    private const int TokenIndexBytes = TokenCount * 2;
    // Tokens are built from pairs of shorter tokens; real tables have none over ~30 bytes.
    private const int MaxTokenLength = 255;
    // An entry is a length (1-2 bytes) and up to KSYM_NAME_LEN (512 since 6.1) token indices.
    private const int MaxEntryBytes = 2 + 512;
    private const int MinEntryBytes = 2;
    private const int SymbolsPerMarker = 256;
    private const int MaxEmptyTokens = 32;

    /// <summary>
    /// Searches [<paramref name="low"/>, <paramref name="high"/>) from the top down (the tables sit at the end of
    /// .rodata, which comes right before .data). Null with <paramref name="problem"/> when nothing verifies.
    /// </summary>
    public static KallsymsTables? Find(IKernelMemory memory, ulong low, ulong high, out string? problem)
    {
        low &= ~3UL;
        var window = new byte[WindowSize + TokenIndexBytes];
        var rejected = new List<string>();
        int unreadablePages = 0;
        for (ulong end = high; end > low;)
        {
            ulong start = Math.Max(low, end > WindowSize ? end - WindowSize : 0) & ~3UL;
            int length = (int)(Math.Min(end + TokenIndexBytes, high) - start);
            unreadablePages += ReadTolerant(memory, start, window.AsSpan(0, length));
            for (long p = (long)((end - start - 1) & ~3UL); p >= 0; p -= 4)
            {
                if (p + TokenIndexBytes > length || !IsTokenIndex(window.AsSpan((int)p, TokenIndexBytes))) continue;
                var found = TryFrom(memory, start + (ulong)p, window.AsSpan((int)p, TokenIndexBytes), low, high, out var why);
                if (found is not null) { problem = null; return found; }
                if (rejected.Count < 4) rejected.Add(why!);
            }
            end = start;
        }
        problem = $"no kallsyms token table found in the kernel image {low:x}-{high:x}"
            + (unreadablePages > 0 ? $" ({unreadablePages} pages of it unreadable)" : "")
            + (rejected.Count > 0 ? $"; candidates rejected: {string.Join("; ", rejected)}" : "");
        return null;
    }

    /// <summary>The 256 u16 offsets of a token index: 0 first, each step the length of a non-empty token plus its NUL.</summary>
    public static bool IsTokenIndex(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < TokenIndexBytes || bytes[0] != 0 || bytes[1] != 0) return false;
        int previous = 0;
        int empty = 0;
        for (int i = 1; i < TokenCount; i++)
        {
            int value = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]);
            int step = value - previous;
            // A slot the compressor found no use for holds an empty token (step 1); a real kernel has few.
            if (step == 1 && ++empty > MaxEmptyTokens) return false;
            if (step < 1 || step > MaxTokenLength + 1) return false;
            previous = value;
        }
        return true;
    }

    private static KallsymsTables? TryFrom(IKernelMemory memory, ulong indexAddress, ReadOnlySpan<byte> indexBytes, ulong low, ulong high, out string? why)
    {
        var starts = new int[TokenCount];
        for (int i = 0; i < TokenCount; i++) starts[i] = BinaryPrimitives.ReadUInt16LittleEndian(indexBytes[(i * 2)..]);
        if (!TryTokenTable(memory, indexAddress, starts, low, out var tableAddress, out why)) return null;
        if (!TryMarkersAndNames(memory, tableAddress, low, out var names, out var numSyms, out var count, out why)) return null;

        // Every layout's address table, in the order the layouts are common: relative offsets before
        // num_syms (4.6–6.3), after token_index (6.4 on, 8-aligned), place-relative after token_index
        // (4-aligned, no relative_base), then absolute addresses before or after.
        ulong afterIndex = indexAddress + TokenIndexBytes;
        ulong relativeBaseBefore = numSyms - 8;
        ulong offsetsBytes = Align((ulong)count * 4, 8);
        var candidates = new List<KallsymsAddressTable>();
        if (relativeBaseBefore % 8 == 0 && relativeBaseBefore >= low + offsetsBytes)
            candidates.Add(new(relativeBaseBefore - offsetsBytes, KallsymsAddressKind.Offsets, relativeBaseBefore, "offsets before kallsyms_num_syms"));
        ulong offsetsAfter = Align(afterIndex, 8);
        candidates.Add(new(offsetsAfter, KallsymsAddressKind.Offsets, Align(offsetsAfter + (ulong)count * 4, 8), "offsets after kallsyms_token_index"));
        candidates.Add(new(afterIndex, KallsymsAddressKind.Offsets, null, "place-relative offsets after kallsyms_token_index"));
        if (numSyms >= low + (ulong)count * 8)
            candidates.Add(new(numSyms - (ulong)count * 8, KallsymsAddressKind.Addresses, null, "addresses before kallsyms_num_syms"));
        candidates.Add(new(offsetsAfter, KallsymsAddressKind.Addresses, null, "addresses after kallsyms_token_index"));

        why = null;
        return new KallsymsTables(names, count, tableAddress, indexAddress, candidates,
            $"found by searching the kernel image {low:x}-{high:x} (VMCOREINFO does not name the tables): token index at {indexAddress:x}, " +
            $"token table at {tableAddress:x}, names at {names:x}, num_syms at {numSyms:x} ({count} symbols)");
    }

    // The tokens end right before the index (at most 7 bytes of zero padding) and each ends where the next
    // index entry says: a NUL at table + starts[i+1] - 1 and printable characters before it.
    private static bool TryTokenTable(IKernelMemory memory, ulong indexAddress, int[] starts, ulong low, out ulong tableAddress, out string? why)
    {
        tableAddress = 0;
        int lastStart = starts[TokenCount - 1];
        int span = lastStart + MaxTokenLength + 1 + 8;
        if ((ulong)span > indexAddress - low) span = (int)(indexAddress - low);
        var bytes = new byte[span];
        if (memory.ReadVirtual(indexAddress - (ulong)span, bytes).Fault is { } fault)
        {
            why = $"token index candidate at {indexAddress:x}: the bytes before it are unreadable ({fault.Message})";
            return false;
        }
        // candidate table start t (offset into bytes): its last token runs from t + lastStart to a NUL, then padding.
        for (int t = span - lastStart - 2; t >= 0; t--)
        {
            if (((indexAddress - (ulong)(span - t)) & 3) != 0) continue;
            if (IsTokenTable(bytes.AsSpan(t), starts))
            {
                tableAddress = indexAddress - (ulong)(span - t);
                why = null;
                return true;
            }
        }
        why = $"token index candidate at {indexAddress:x}: no token table ends right before it";
        return false;
    }

    private static bool IsTokenTable(ReadOnlySpan<byte> table, int[] starts)
    {
        for (int i = 0; i < TokenCount; i++)
        {
            int begin = starts[i];
            int end = i + 1 < TokenCount ? starts[i + 1] - 1 : table[begin..].IndexOf((byte)0) is var n and >= 1 ? begin + n : -1;
            if (end < 0 || end >= table.Length || table[end] != 0) return false;
            foreach (var c in table[begin..end])
                if (c is < 0x21 or > 0x7e) return false;
            if (i == TokenCount - 1)
            {
                // Only alignment padding (zeros, under 8 bytes) between the last token and the index.
                var padding = table[(end + 1)..];
                if (padding.Length >= 8 || padding.IndexOfAnyExcept((byte)0) >= 0) return false;
            }
        }
        return true;
    }

    private static bool TryMarkersAndNames(IKernelMemory memory, ulong tableAddress, ulong low, out ulong names, out ulong numSyms, out uint count, out string? why)
    {
        names = numSyms = 0;
        count = 0;
        int maxMarkers = (int)(KallsymsReader.MaxSymbols / SymbolsPerMarker);
        foreach (int element in new[] { 4, 8 })
        {
            foreach (int pad in element == 4 ? new[] { 0, 4 } : new[] { 0 })
            {
                ulong markersEnd = tableAddress - (ulong)pad;
                var markers = ReadMarkersBackwards(memory, markersEnd, element, maxMarkers, low);
                if (markers is null) continue;
                ulong markersStart = markersEnd - (ulong)(markers.Length * element);
                if (TryNames(memory, markers, markersStart, low, out names, out numSyms, out count)) { why = null; return true; }
            }
        }
        if (TrySeqsBetween(memory, tableAddress, low, maxMarkers, out names, out numSyms, out count)) { why = null; return true; }
        why = $"token table at {tableAddress:x}: no kallsyms_markers/kallsyms_names before it";
        return false;
    }

    // 6.2–6.3: kallsyms_seqs_of_names sits between the markers and the token table ("kallsyms: Improve the
    // performance of kallsyms_lookup_name()", 6.2; 3 big-endian bytes per symbol from "kallsyms: Reduce the memory
    // occupied by kallsyms_seqs_of_names[]" in the same merge, 4 in the series' first form), every label 8-aligned;
    // 404bad70fcf7 "scripts/kallsyms: change the output order" (6.4) moved it after the address table. Its size d is unknown until the names give the count, so each
    // 8-aligned d is tried whose symbol count n (entry * n in (d - 8, d]) has its ceil(n / 256) markers ending at the
    // seqs' start (or 4 before it) with markers[0] = 0 there, and the count the names then give must be n.
    private static bool TrySeqsBetween(IKernelMemory memory, ulong tableAddress, ulong low, int maxMarkers, out ulong names, out ulong numSyms, out uint count)
    {
        names = numSyms = 0;
        count = 0;
        ulong maxSeqs = Align((ulong)KallsymsReader.MaxSymbols * 4, 8);
        ulong regionBytes = Math.Min(maxSeqs + (ulong)maxMarkers * 4 + 8, tableAddress - low) & ~7UL;
        if (regionBytes < 16) return false;
        ulong regionStart = tableAddress - regionBytes;
        var region = new byte[regionBytes];
        ReadTolerant(memory, regionStart, region);
        uint U32(ulong address) => BinaryPrimitives.ReadUInt32LittleEndian(region.AsSpan((int)(address - regionStart)));
        foreach (int entry in new[] { 3, 4 })
        {
            for (ulong d = 8; d <= Align((ulong)KallsymsReader.MaxSymbols * (ulong)entry, 8) && d + 8 <= regionBytes; d += 8)
            {
                ulong seqsStart = tableAddress - d;
                ulong nMin = (d - 8) / (ulong)entry + 1, nMax = d / (ulong)entry;
                // The first index is below the count: its high byte (big-endian, first) at most the count's.
                if (entry == 3 && region[(int)(seqsStart - regionStart)] > (byte)(nMax >> 16)) continue;
                if (entry == 4 && U32(seqsStart) >= nMax) continue;
                foreach (ulong pad in new ulong[] { 0, 4 })
                {
                    ulong markersEnd = seqsStart - pad;
                    if (pad == 4 && U32(markersEnd) != 0) continue; // padding is zeros
                    for (ulong m = (nMin + SymbolsPerMarker - 1) / SymbolsPerMarker; m <= (nMax + SymbolsPerMarker - 1) / SymbolsPerMarker; m++)
                    {
                        if (m < 2 || markersEnd < regionStart + m * 4) continue;
                        ulong markersStart = markersEnd - m * 4;
                        if (U32(markersStart) != 0 || U32(markersStart + 4) == 0 || U32(markersEnd - 4) <= U32(markersEnd - 8)) continue;
                        var markers = ReadMarkersBackwards(memory, markersEnd, 4, maxMarkers, low);
                        if (markers is null || (ulong)markers.Length != m) continue;
                        if (!TryNames(memory, markers, markersStart, low, out names, out numSyms, out count)) continue;
                        if (count >= nMin && count <= nMax) return true;
                    }
                }
            }
        }
        names = numSyms = 0;
        count = 0;
        return false;
    }

    // Reads markers ending at markersEnd, last first: strictly decreasing backwards, each step between what 256
    // shortest and 256 longest entries take, down to the 0 of symbol 0.
    private static uint[]? ReadMarkersBackwards(IKernelMemory memory, ulong markersEnd, int element, int maxMarkers, ulong low)
    {
        int bytes = (int)Math.Min((ulong)maxMarkers * (ulong)element, markersEnd - low);
        var buffer = new byte[bytes];
        ReadTolerant(memory, markersEnd - (ulong)bytes, buffer);
        var values = new List<uint>();
        ulong next = ulong.MaxValue;
        for (int at = bytes - element; at >= 0; at -= element)
        {
            ulong value = element == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at)) : BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(at));
            if (next != ulong.MaxValue)
            {
                if (value >= next) return null;
                ulong step = next - value;
                if (step < (ulong)(SymbolsPerMarker * MinEntryBytes) || step > (ulong)(SymbolsPerMarker * MaxEntryBytes)) return null;
            }
            else if (value == 0 || value > uint.MaxValue) return null;
            values.Add((uint)value);
            if (value == 0)
            {
                values.Reverse();
                return values.Count >= 2 ? values.ToArray() : null;
            }
            next = value;
        }
        return null;
    }

    private static bool TryNames(IKernelMemory memory, uint[] markers, ulong markersStart, ulong low, out ulong names, out ulong numSyms, out uint count)
    {
        names = numSyms = 0;
        count = 0;
        int m = markers.Length;
        uint lastOffset = markers[m - 1];
        if (markersStart < low + lastOffset + MinEntryBytes + 8) return false;
        // The names start lastOffset plus the tail's length (1..256 entries) before the markers.
        ulong highest = markersStart - lastOffset - MinEntryBytes;
        ulong lowest = markersStart - lastOffset - (ulong)(SymbolsPerMarker * MaxEntryBytes) - 8;
        if (markersStart < lastOffset + (ulong)(SymbolsPerMarker * MaxEntryBytes) + 16 || lowest < low + 8) lowest = low + 8;
        if (highest < lowest) return false;
        // One read covers num_syms of every candidate start and the tail of entries up to the markers.
        ulong regionStart = lowest - 8;
        var region = new byte[markersStart - regionStart];
        ReadTolerant(memory, regionStart, region);
        for (ulong c = highest & ~3UL; c >= lowest; c -= 4)
        {
            foreach (int gap in new[] { 8, 4 })
            {
                uint n = BinaryPrimitives.ReadUInt32LittleEndian(region.AsSpan((int)(c - (ulong)gap - regionStart)));
                if (n <= (uint)(SymbolsPerMarker * (m - 1)) || n > (uint)(SymbolsPerMarker * m)) continue;
                // The tail: entries 256(m-1)..n-1 from c + lastOffset end at the markers, less alignment padding.
                int at = (int)(c + lastOffset - regionStart);
                if (!Walk(region, ref at, (int)(n - SymbolsPerMarker * (m - 1)))) continue;
                int padding = region.Length - at;
                if (padding < 0 || padding >= 8 || region.AsSpan(at).IndexOfAnyExcept((byte)0) >= 0) continue;
                if (!FirstMarkerMatches(memory, c, markers[1])) continue;
                names = c;
                numSyms = c - (ulong)gap;
                count = n;
                return true;
            }
        }
        return false;
    }

    // The first 256 entries from the names' start end exactly at markers[1].
    private static bool FirstMarkerMatches(IKernelMemory memory, ulong names, uint marker1)
    {
        var head = new byte[marker1 + 2];
        if (memory.ReadVirtual(names, head).Fault is not null) return false;
        int at = 0;
        return Walk(head, ref at, SymbolsPerMarker) && at == marker1;
    }

    // Steps over entries: a length byte (two when its top bit is set, 6.1+) and that many token indices.
    private static bool Walk(byte[] bytes, ref int at, int entries)
    {
        for (int i = 0; i < entries; i++)
        {
            if (at >= bytes.Length) return false;
            int length = bytes[at];
            int header = 1;
            if ((length & 0x80) != 0)
            {
                if (at + 1 >= bytes.Length) return false;
                length = (length & 0x7f) | (bytes[at + 1] << 7);
                header = 2;
            }
            if (length == 0) return false;
            at += header + length;
        }
        return at <= bytes.Length;
    }

    // Reads what can be read; unreadable pages become 0xff, which starts no token index, no marker run and no
    // names entry that walks to the markers.
    private static int ReadTolerant(IKernelMemory memory, ulong address, Span<byte> destination)
    {
        int unreadable = 0;
        int done = 0;
        while (done < destination.Length)
        {
            var result = memory.ReadVirtual(address + (ulong)done, destination[done..]);
            done += result.BytesRead;
            if (result.Fault is null) break;
            ulong at = address + (ulong)done;
            int skip = (int)Math.Min((ulong)(destination.Length - done), 4096 - (at & 4095));
            destination.Slice(done, skip).Fill(0xff);
            done += skip;
            unreadable++;
        }
        return unreadable;
    }

    private static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
