namespace DumpScope.Sdk.Linux.Printk;

/// <summary>
/// Reads the variable-length record log of 3.5–5.9: <c>log_buf</c> (<c>char *</c>, <c>log_buf_len</c> bytes) holds
/// <c>struct printk_log</c> headers (<c>struct log</c> before 3.11) each followed by its text; <c>len</c> is the
/// whole record's size and a zero <c>len</c> marks the end of the buffer (the next record is at offset 0). Records
/// run from <c>log_first_idx</c> to <c>log_next_idx</c>. Layout from BTF, else VMCOREINFO's OFFSET(printk_log.*).
/// The walk is bounded by the buffer size; a header that breaks the rules stops it (the rest is unreachable).
/// </summary>
internal static class LegacyLogBufferReader
{
    /// <summary>Largest log_buf accepted.</summary>
    public const long MaxLength = 1L << 31;

    public static KernelLog Read(IKernel kernel, List<string> notes)
    {
        var layout = Probe(kernel) ?? throw new NotSupportedException("neither BTF nor VMCOREINFO describes struct printk_log");
        var memory = kernel.Memory;
        ulong buffer = kernel.Global("log_buf", "char *").ReadPointer();
        long length = RequireInteger(kernel, "log_buf_len", "unsigned int");
        long first = RequireInteger(kernel, "log_first_idx", "unsigned int");
        long next = RequireInteger(kernel, "log_next_idx", "unsigned int");
        if (length <= 0 || length > MaxLength) throw new InvalidDataException($"log_buf_len is {length}; expected 1..{MaxLength}");
        if (first >= length || next >= length) throw new InvalidDataException($"log_first_idx {first} / log_next_idx {next} outside log_buf_len {length}");
        var data = MemorySnapshot.Read(memory, buffer, (int)length, kernel.PageSize);
        if (data.FirstFault is { } fault) notes.Add($"log_buf: {fault.Message}; records there are skipped");
        var records = new List<LogRecord>();
        int skipped = 0;
        long idx = first;
        bool wrapped = false;
        ulong sequence = 0;
        // Each record is at least a header long, so a walk longer than length / header is a loop.
        for (long steps = 0; idx != next; steps++)
        {
            if (steps > length / (long)layout.HeaderSize + 1)
            {
                notes.Add($"log_buf: the records from log_first_idx {first} never reach log_next_idx {next}; stopped");
                break;
            }
            if (idx + (long)layout.HeaderSize > length || !Readable(data, idx, (long)layout.HeaderSize))
            {
                skipped++;
                notes.Add($"log_buf: the record header at index {idx} is {(idx + (long)layout.HeaderSize > length ? "past the end of the buffer" : "unreadable")}; the rest of the log is unreachable");
                break;
            }
            int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(data.Bytes[(int)(idx + (long)layout.Len)..]);
            if (recordLength == 0)
            {
                if (wrapped) { notes.Add("log_buf: a second end-of-buffer marker; stopped"); break; }
                wrapped = true;
                idx = 0;
                continue;
            }
            int textLength = BinaryPrimitives.ReadUInt16LittleEndian(data.Bytes[(int)(idx + (long)layout.TextLen)..]);
            if (recordLength < (int)layout.HeaderSize + textLength || idx + recordLength > length)
            {
                skipped++;
                notes.Add($"log_buf: record at index {idx} has len {recordLength} and text_len {textLength}, which do not fit; the rest of the log is unreachable");
                break;
            }
            if (!Readable(data, idx, recordLength)) skipped++;
            else
            {
                ulong ts = BinaryPrimitives.ReadUInt64LittleEndian(data.Bytes[(int)(idx + (long)layout.TsNsec)..]);
                var (level, facility) = layout.Levels.Read(data.Bytes, idx);
                var text = PrintkText.Decode(data.Bytes.Slice((int)(idx + (long)layout.HeaderSize), textLength));
                records.Add(new LogRecord(sequence, ts, level, facility, text, layout.Levels.ReadCaller(data.Bytes, idx)));
            }
            sequence++;
            idx += recordLength;
        }
        return new KernelLog($"log_buf at {buffer:x} ({layout.Source} layout)", records, skipped, 0, notes);
    }

    private static long RequireInteger(IKernel kernel, string symbol, string type) =>
        KernelGlobals.TryReadInteger(kernel, symbol, type, out var value, out var problem) ? value : throw new NotSupportedException(problem);

    private static bool Readable(MemorySnapshot data, long offset, long length) =>
        offset >= 0 && length >= 0 && offset + length <= data.Length && data.IsReadable(data.Address + (ulong)offset, (int)length);

    private static LegacyLayout? Probe(IKernel kernel)
    {
        var type = (kernel.Types.FindType("struct printk_log") ?? kernel.Types.FindType("struct log"))?.Resolve();
        if (type is not null && type.TryFindMember("ts_nsec", out var ts) && type.TryFindMember("len", out var len) && type.TryFindMember("text_len", out var textLen))
        {
            return new LegacyLayout(type.Size, ts.Offset, len.Offset, textLen.Offset, LogLevelFields.Of(type), "BTF");
        }
        if (kernel.VmcoreInfo is { } info && info.TryGetSize("printk_log", out var size) && info.TryGetOffset("printk_log.ts_nsec", out var t)
            && info.TryGetOffset("printk_log.len", out var l) && info.TryGetOffset("printk_log.text_len", out var tl))
            return new LegacyLayout((ulong)size, (ulong)t, (ulong)l, (ulong)tl, LogLevelFields.None, "VMCOREINFO");
        return null;
    }
}
