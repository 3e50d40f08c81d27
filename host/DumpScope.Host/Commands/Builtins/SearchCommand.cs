using DumpScope.Host.Expressions;
using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>search</c>: where memory holds a value (64-bit by default, 32-bit with <c>-w</c>, a string with
/// <c>-c</c>), optionally ignoring the bits of a mask. Kernel virtual memory (<c>-k</c>, the default) is the direct map
/// and the kernel image; physical memory with <c>-p</c>. The scan goes over the dump's present pages only, a page at a
/// time from the dump: pages the dump excluded or never held cost nothing, as unmapped addresses do. vmalloc, vmap and
/// module memory (kernel stacks) are the busy vmap areas (<see cref="VmapAreas"/>), through the page tables; vmemmap and
/// the rest of the kernel's high mapping only inside an explicit <c>-s</c>/<c>-e</c> range. Reports progress
/// and stops when cancelled.
/// </summary>
[Command("search", Help = "find a value in memory: search [-k|-p] [-s START] [-e END|-l LENGTH] [-m MASK] [-w] [-c] [--max N] VALUE...",
    Examples = ["search ffffffff9e41aa40  every word holding init_task's address",
        "search -s ffff89ab01000000 -l 0x300000 ffffffff9e41aa40  in a range",
        "search -m ffff ffffffff9e410000  ignoring the low 16 bits",
        "search -c swapper/0  a string",
        "search -p -s 1000000 -e 1400000 ffffffff9e41aa40  physical memory"],
    SeeAlso = ["rd", "kmem"])]
public sealed class SearchCommand : ICommand
{
    /// <summary>The default bound on hits.</summary>
    public const int DefaultMax = 100_000;

    /// <summary>-k: kernel virtual memory (the default).</summary>
    [Option("-k", Help = "kernel virtual memory: the direct map, vmalloc/module areas and the kernel image (default)")]
    public bool Kernel { get; set; }

    /// <summary>-u: user memory (not supported).</summary>
    [Option("-u", Help = "user virtual memory of the current task (not supported yet)")]
    public bool User { get; set; }

    /// <summary>-p: physical memory.</summary>
    [Option("-p", Help = "physical memory (the dump's present pages)")]
    public bool Physical { get; set; }

    /// <summary>-s: first address.</summary>
    [Option("-s", Help = "start here (hex, symbol or symbol+offset)", ValueName = "START")]
    public string? Start { get; set; }

    /// <summary>-e: end address (exclusive).</summary>
    [Option("-e", Help = "stop before this address", ValueName = "END")]
    public string? End { get; set; }

    /// <summary>-l: length from START.</summary>
    [Option("-l", Help = "search LENGTH bytes from START", ValueName = "LENGTH")]
    public string? Length { get; set; }

    /// <summary>-m: bits to ignore.</summary>
    [Option("-m", Help = "ignore the bits set in MASK when comparing (hex)", ValueName = "MASK")]
    public string? Mask { get; set; }

    /// <summary>-w: 32-bit values.</summary>
    [Option("-w", Help = "search for 32-bit values (4-byte aligned)")]
    public bool Word32 { get; set; }

    /// <summary>-c: the values are strings.</summary>
    [Option("-c", Help = "the values are strings (any alignment)")]
    public bool Strings { get; set; }

    /// <summary>--max: hit bound.</summary>
    [Option("--max", Help = "stop after N hits (default 100000)", Minimum = 1)]
    public int Max { get; set; } = DefaultMax;

    /// <summary>The values.</summary>
    [Argument(0, Name = "VALUE", Required = true, Help = "hex values or symbols (strings with -c)")]
    public string[] Values { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if (User) throw new UsageException("search -u: searching user memory is not supported yet; use -k or -p");
        if (Kernel && Physical) throw new UsageException("search: give -k or -p, not both");
        if (End is not null && Length is not null) throw new UsageException("search: give -e END or -l LENGTH, not both");
        if (Strings && (Mask is not null || Word32)) throw new UsageException("search: -c takes no -m or -w");

        ulong start = Start is null ? (Physical ? 0 : 0xffff_8000_0000_0000UL) : Physical ? Hex(Start, "-s") : ExpressionEvaluator.EvaluateAddress(kernel, Start);
        ulong end = ulong.MaxValue;
        if (End is not null) end = Physical ? Hex(End, "-e") : ExpressionEvaluator.EvaluateAddress(kernel, End);
        if (Length is not null)
        {
            if (!Arguments.TryParseNumber(Length, out var length) || length == 0) throw new UsageException($"search: -l {Length}: not a length");
            end = start + length < start ? ulong.MaxValue : start + length;
        }
        if (end <= start) throw new UsageException($"search: the end {end:x} is not above the start {start:x}");
        ulong mask = Mask is null ? 0 : Hex(Mask, "-m");
        var matcher = Strings ? Matcher.ForStrings(Values) : Matcher.ForValues(Values.Select(v => Value(kernel, v)).ToArray(), Word32 ? 4 : 8, mask);

        var pages = Physical ? PhysicalPages(kernel, start, end) : KernelPages(kernel, start, end, explicitRange: Start is not null || End is not null);
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("ADDRESS", CellKind.Address), Strings ? new Column("STRING") : new Column("VALUE", CellKind.Hex)) { TextFromRows = true });
        int pageSize = kernel.PageSize;
        var buffer = new byte[pageSize];
        long done = 0;
        foreach (var (address, physical) in pages.Pages)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if ((++done & 1023) == 0) context.Report(done, pages.Total, Physical ? "searching physical memory" : "searching kernel memory");
            if (kernel.Memory.ReadPhysical(physical, buffer).Fault is not null) continue;
            int from = address < start ? (int)(start - address) : 0;
            int to = end - address < (ulong)pageSize ? (int)(end - address) : pageSize;
            foreach (var (offset, hit) in matcher.Find(buffer, from, to))
            {
                ulong at = address + (ulong)offset;
                var row = table.AddRow(Cell.Address(at), hit);
                string where = Physical ? at.ToString("x", CultureInfo.InvariantCulture) : at.ToString("x16", CultureInfo.InvariantCulture);
                row.Text = $"{where}: {matcher.Show(hit)}";
                if (Physical) row.WithTarget("rd -p", $"rd -p {at:x}");
                else row.WithTarget("kmem", new AddressTarget(at));
                if (table.Rows.Count >= Max)
                {
                    result.Warnings.Add($"search: stopped after {Max} hits (--max)");
                    return result;
                }
            }
        }
        context.Report(pages.Total, pages.Total, "searched");
        foreach (var note in pages.Notes) result.Warnings.Add($"search: {note}");
        return result;
    }

    private static ulong Hex(string text, string what) =>
        KernelAddressParser.TryHex(text.Trim(), out var value) ? value : throw new UsageException($"search: {what} {text}: not a hex number");

    private static ulong Value(IKernel kernel, string text) => ExpressionEvaluator.EvaluateAddress(kernel, text);

    /// <summary>The pages to read: virtual (or physical) address and physical address, ordered; their count for progress.</summary>
    private sealed record PagePlan(IEnumerable<(ulong Address, ulong Physical)> Pages, long Total, List<string> Notes);

    private static PagePlan PhysicalPages(IKernel kernel, ulong start, ulong end)
    {
        ulong ps = (ulong)kernel.PageSize;
        ulong first = start / ps, last = Math.Min(kernel.Dump.MaxPfn, (end - 1) / ps + 1);
        return new PagePlan(Present(kernel, first, last, 0), (long)(last > first ? last - first : 0), []);
    }

    /// <summary>The present pages of the direct map, then those of the kernel image; with an explicit range, also any other mapped page in it.</summary>
    private static PagePlan KernelPages(IKernel kernel, ulong start, ulong end, bool explicitRange)
    {
        ulong ps = (ulong)kernel.PageSize;
        var notes = new List<string>();
        var parts = new List<(ulong From, ulong To, IEnumerable<(ulong, ulong)> Pages, long Count)>();
        ulong directMap = kernel.MemoryModel.DirectMapBase;
        ulong dmEnd = directMap + kernel.Dump.MaxPfn * ps;
        if (start < dmEnd && end > directMap)
        {
            ulong first = (Math.Max(start, directMap) - directMap) / ps, last = (Math.Min(end, dmEnd) - directMap + ps - 1) / ps;
            parts.Add((directMap + first * ps, directMap + last * ps, Present(kernel, first, last, directMap), (long)(last - first)));
        }
        if (kernel.Symbols.TryGetAddress("_text", out var text) && kernel.Symbols.TryGetAddress("_end", out var imageEnd) && imageEnd > text)
        {
            ulong from = Math.Max(start, text) & ~(ps - 1), to = Math.Min(end, imageEnd);
            if (from < to) parts.Add((from, to, Mapped(kernel, from, to), (long)((to - from + ps - 1) / ps)));
        }
        else notes.Add("_text/_end unknown: the kernel image was not searched");
        // vmalloc, vmap and module memory (kernel stacks among it): the busy vmap areas, through the page tables.
        var areas = VmapAreas.ForEachVmapArea(kernel);
        foreach (var (vaFrom, vaTo) in areas.Items)
        {
            ulong from = Math.Max(start, vaFrom) & ~(ps - 1), to = Math.Min(end, vaTo);
            if (from < to) parts.Add((from, to, Mapped(kernel, from, to), (long)((to - from + ps - 1) / ps)));
        }
        if (areas.Problem is not null) notes.Add($"vmalloc memory: {areas.Problem}");
        if (explicitRange)
        {
            // Whatever else the range covers (vmalloc, modules, vmemmap) goes through the page tables, page by page.
            ulong from = start & ~(ps - 1);
            ulong to = end == ulong.MaxValue ? ulong.MaxValue : end;
            var covered = parts.Select(p => (p.From, p.To)).ToList();
            var gaps = Gaps(from, to, covered).Where(g => g.To - g.From <= (1UL << 40)).ToList();
            foreach (var (gFrom, gTo) in gaps)
                parts.Add((gFrom, gTo, Mapped(kernel, gFrom, gTo), (long)((gTo - gFrom) / ps)));
            if (Gaps(from, to, covered).Any(g => g.To - g.From > (1UL << 40)))
                notes.Add("parts of the range over 1 TiB outside the direct map and kernel image were not searched");
        }
        var ordered = parts.OrderBy(p => p.From).ToList();
        return new PagePlan(ordered.SelectMany(p => p.Pages), ordered.Sum(p => p.Count), notes);
    }

    private static IEnumerable<(ulong From, ulong To)> Gaps(ulong from, ulong to, List<(ulong From, ulong To)> covered)
    {
        ulong at = from;
        foreach (var (cFrom, cTo) in covered.Where(c => c.To > from && c.From < to).OrderBy(c => c.From))
        {
            if (cFrom > at) yield return (at, cFrom);
            at = Math.Max(at, cTo);
        }
        if (at < to) yield return (at, to);
    }

    /// <summary>Pages by frame number in [first, last) that the dump holds, at <paramref name="virtualBase"/> + pfn × page size.</summary>
    private static IEnumerable<(ulong, ulong)> Present(IKernel kernel, ulong first, ulong last, ulong virtualBase)
    {
        ulong ps = (ulong)kernel.PageSize;
        for (ulong pfn = first; pfn < last; pfn++)
            if (kernel.Dump.GetPageState(pfn) == PageState.Present) yield return (virtualBase + pfn * ps, pfn * ps);
    }

    /// <summary>The mapped pages of [from, to), translated through the page tables; pages the dump does not hold are left out.</summary>
    private static IEnumerable<(ulong, ulong)> Mapped(IKernel kernel, ulong from, ulong to)
    {
        ulong ps = (ulong)kernel.PageSize;
        for (ulong va = from & ~(ps - 1); va < to && va >= from - (from & (ps - 1)); va += ps)
        {
            var t = kernel.Memory.Translate(va);
            if (t.Success && kernel.Dump.GetPageState(t.PhysicalAddress / ps) == PageState.Present)
                yield return (va, t.PhysicalAddress & ~(ps - 1));
            if (va + ps < va) yield break;
        }
    }

    /// <summary>What a page is compared with: values of a width under a mask, or strings.</summary>
    internal abstract class Matcher
    {
        public abstract IEnumerable<(int Offset, Cell Hit)> Find(byte[] page, int from, int to);

        public abstract string Show(Cell hit);

        public static Matcher ForValues(ulong[] values, int width, ulong mask) => new ValueMatcher(values, width, mask);

        public static Matcher ForStrings(string[] strings) => new StringMatcher(strings.Select(s => Encoding.Latin1.GetBytes(s)).ToArray());

        private sealed class ValueMatcher(ulong[] values, int width, ulong mask) : Matcher
        {
            private readonly ulong _keep = ~mask & (width == 8 ? ulong.MaxValue : 0xffff_ffffUL);

            public override IEnumerable<(int, Cell)> Find(byte[] page, int from, int to)
            {
                var hits = new List<(int, Cell)>();
                var wanted = values.Select(v => v & _keep).ToArray();
                for (int at = (from + width - 1) / width * width; at + width <= to; at += width)
                {
                    ulong word = width == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(at));
                    ulong kept = word & _keep;
                    for (int i = 0; i < wanted.Length; i++)
                        if (kept == wanted[i]) { hits.Add((at, Cell.Hex(word))); break; }
                }
                return hits;
            }

            public override string Show(Cell hit) => ((ulong)hit.Value!).ToString(width == 8 ? "x16" : "x8", CultureInfo.InvariantCulture);
        }

        private sealed class StringMatcher(byte[][] strings) : Matcher
        {
            public override IEnumerable<(int, Cell)> Find(byte[] page, int from, int to)
            {
                var hits = new List<(int, Cell)>();
                var span = page.AsSpan(0, to);
                foreach (var s in strings.Where(s => s.Length > 0))
                {
                    for (int at = from; at <= to - s.Length;)
                    {
                        int next = span[at..].IndexOf(s);
                        if (next < 0) break;
                        hits.Add((at + next, Cell.Text(Encoding.Latin1.GetString(s))));
                        at += next + 1;
                    }
                }
                return hits.OrderBy(h => h.Item1);
            }

            public override string Show(Cell hit) => (string)hit.Value!;
        }
    }
}
