using DumpScope.Host.Expressions;
using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>search</c>: where memory holds a value (64-bit by default, 32-bit with <c>-w</c>, a string with
/// <c>-c</c>), optionally ignoring the bits of a mask. Kernel virtual memory (<c>-k</c>, the default) is the direct map
/// and the kernel image; physical memory with <c>-p</c>. The scan goes over the dump's present pages only, a page at a
/// time from the dump: pages the dump excluded or never held cost nothing, as unmapped addresses do. vmalloc, vmap and
/// module memory (kernel stacks) are the busy vmap areas (<see cref="VmapAreas"/>), through the page tables; vmemmap and
/// the rest of the kernel's high mapping only inside an explicit <c>-s</c>/<c>-e</c> range. User memory (<c>-u</c>)
/// is a task's address space as crash searches it: the current task of <c>set</c> (or <c>--task</c>, else the
/// panicking task), its VMAs through its own page tables (<c>mm-&gt;pgd</c>); pages never faulted in, swapped out
/// or left out of the dump are skipped and counted. Reports progress and stops when cancelled.
/// </summary>
[Command("search", Help = "find a value in memory: search [-k|-u|-p] [-s START] [-e END|-l LENGTH] [-m MASK] [-w] [-c] [--task PID|TASK] [--max N] VALUE...",
    Examples = ["search ffffffff9e41aa40  every word holding init_task's address",
        "search -s ffff89ab01000000 -l 0x300000 ffffffff9e41aa40  in a range",
        "search -m ffff ffffffff9e410000  ignoring the low 16 bits",
        "search -c swapper/0  a string",
        "search -p -s 1000000 -e 1400000 ffffffff9e41aa40  physical memory",
        "search -u --task 1 -c /sbin/init  the user memory of pid 1 (or: set 1, then search -u …)"],
    SeeAlso = ["rd", "kmem"])]
public sealed class SearchCommand : ICommand
{
    /// <summary>The default bound on hits.</summary>
    public const int DefaultMax = 100_000;

    /// <summary>-k: kernel virtual memory (the default).</summary>
    [Option("-k", Help = "kernel virtual memory: the direct map, vmalloc/module areas and the kernel image (default)")]
    public bool Kernel { get; set; }

    /// <summary>-u: user memory of a task.</summary>
    [Option("-u", Help = "user virtual memory of the current task (set PID), or of --task")]
    public bool User { get; set; }

    /// <summary>--task: whose user memory -u searches.</summary>
    [Option("--task", Help = "with -u: this task's memory (a PID or task address) instead of the current one", ValueName = "PID|TASK")]
    public string? Task { get; set; }

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
        if ((Kernel ? 1 : 0) + (Physical ? 1 : 0) + (User ? 1 : 0) > 1) throw new UsageException("search: give one of -k, -u, -p");
        if (Task is not null && !User) throw new UsageException("search: --task goes with -u");
        if (End is not null && Length is not null) throw new UsageException("search: give -e END or -l LENGTH, not both");
        if (Strings && (Mask is not null || Word32)) throw new UsageException("search: -c takes no -m or -w");

        // Kernel memory starts at x86-64's 4-level kernel half, or lower where the direct map is (5-level paging's
        // 0xff11…, arm64's linear map at PAGE_OFFSET); holes cost one page-table entry each.
        ulong kernelStart = Math.Min(0xffff_8000_0000_0000UL, kernel.MemoryModel.DirectMapBase + kernel.MemoryModel.MinPfn * (ulong)kernel.PageSize);
        ulong start = Start is null ? (Physical || User ? 0 : kernelStart) : Physical ? Hex(Start, "-s") : ExpressionEvaluator.EvaluateAddress(kernel, Start);
        ulong end = User ? UserSpaceEnd(kernel) : ulong.MaxValue;
        if (End is not null) end = Physical ? Hex(End, "-e") : ExpressionEvaluator.EvaluateAddress(kernel, End);
        if (Length is not null)
        {
            if (!Arguments.TryParseNumber(Length, out var length) || length == 0) throw new UsageException($"search: -l {Length}: not a length");
            end = start + length < start ? ulong.MaxValue : start + length;
        }
        if (end <= start) throw new UsageException($"search: the end {end:x} is not above the start {start:x}");
        ulong mask = Mask is null ? 0 : Hex(Mask, "-m");
        var matcher = Strings ? Matcher.ForStrings(Values) : Matcher.ForValues(Values.Select(v => Value(kernel, v)).ToArray(), Word32 ? 4 : 8, mask);

        var result = new CommandResult();
        PagePlan pages;
        if (User)
        {
            var plan = UserPages(context, start, end, result.Warnings, out var failure);
            if (plan is null) return CommandResult.Fail(failure!);
            pages = plan;
        }
        else pages = Physical ? PhysicalPages(kernel, start, end) : KernelPages(kernel, start, end, explicitRange: Start is not null || End is not null);
        var table = result.Add(new TableBlock(new Column("ADDRESS", CellKind.Address), Strings ? new Column("STRING") : new Column("VALUE", CellKind.Hex)) { TextFromRows = true });
        int pageSize = kernel.PageSize;
        var buffer = new byte[pageSize];
        long done = 0;
        foreach (var (address, physical) in pages.Pages)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if ((++done & 1023) == 0) context.Report(done, pages.Total, Physical ? "searching physical memory" : User ? "searching user memory" : "searching kernel memory");
            if (kernel.Memory.ReadPhysical(physical, buffer).Fault is not null) continue;
            int from = address < start ? (int)(start - address) : 0;
            int to = end - address < (ulong)pageSize ? (int)(end - address) : pageSize;
            foreach (var (offset, hit) in matcher.Find(buffer, from, to))
            {
                ulong at = address + (ulong)offset;
                var row = table.AddRow(Cell.Address(at), hit);
                // crash prints physical and user addresses as they are (%lx), kernel ones in 16 digits.
                string where = Physical || User ? at.ToString("x", CultureInfo.InvariantCulture) : at.ToString("x16", CultureInfo.InvariantCulture);
                row.Text = $"{where}: {matcher.Show(hit)}";
                if (Physical) row.WithTarget("rd -p", $"rd -p {at:x}");
                else if (User) row.WithTarget("vm", $"vm {pages.Task:x}");
                else row.WithTarget("kmem", new AddressTarget(at));
                if (table.Rows.Count >= Max)
                {
                    result.Warnings.Add($"search: stopped after {Max} hits (--max)");
                    return result;
                }
            }
        }
        context.Report(pages.Total, pages.Total, "searched");
        foreach (var note in pages.Notes.Where(n => n.Length > 0)) result.Warnings.Add($"search: {note}");
        return result;
    }

    private static ulong Hex(string text, string what) =>
        KernelAddressParser.TryHex(text.Trim(), out var value) ? value : throw new UsageException($"search: {what} {text}: not a hex number");

    private static ulong Value(IKernel kernel, string text) => ExpressionEvaluator.EvaluateAddress(kernel, text);

    /// <summary>The pages to read: virtual (or physical) address and physical address, ordered; their count for progress.</summary>
    private sealed record PagePlan(IEnumerable<(ulong Address, ulong Physical)> Pages, long Total, List<string> Notes)
    {
        /// <summary>With -u: the task whose memory is searched.</summary>
        public ulong Task { get; init; }
    }

    /// <summary>One past the highest user address: TASK_SIZE_MAX, a page below the end of the lower canonical half.</summary>
    private static ulong UserSpaceEnd(IKernel kernel)
    {
        bool fiveLevel = kernel is DumpKernel { AddressSpace: X86_64AddressSpace { Levels: 5 } };
        return (1UL << (fiveLevel ? 56 : 47)) - (ulong)kernel.PageSize;
    }

    /// <summary>
    /// The present pages of a task's VMAs within [start, end), through the task's page tables. A hole at an upper level
    /// of the tables is stepped over whole (an unpopulated PMD skips 2 MiB at once), so a large sparse mapping costs
    /// one walk per table entry, not one per page. The counts of pages not mapped and not in the dump go to the notes.
    /// </summary>
    private PagePlan? UserPages(CommandContext context, ulong start, ulong end, ICollection<string> warnings, out string? failure)
    {
        var kernel = context.Kernel;
        failure = null;
        if (kernel is not DumpKernel { AddressSpace: X86_64AddressSpace kernelSpace })
        {
            failure = "search -u: user page tables are read only from an x86-64 dump";
            return null;
        }
        var tasks = TaskArguments.Tasks(kernel, Task is null ? [] : [Task], context.CurrentTask, "search -u", warnings, out failure, context.Cancellation);
        if (tasks is null) return null;
        var task = tasks[0];
        ulong mm, pgd;
        string who;
        try
        {
            who = $"pid {KernelTasks.TaskPid(task)} ({KernelTasks.TaskComm(task)})";
            mm = task["mm"].ReadPointer();
            if (mm == 0)
            {
                failure = $"search -u: {who} is a kernel thread: it has no user memory";
                return null;
            }
            pgd = kernel.Object("struct mm_struct", mm)["pgd"].ReadPointer();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            failure = $"search -u: task {task.Address:x}: {KernelDataErrors.Reason(e)}";
            return null;
        }
        var root = kernel.Memory.Translate(pgd);
        if (!root.Success)
        {
            failure = $"search -u: {who}: mm {mm:x} has pgd {pgd:x}, which does not translate: {root.Fault!.Message}";
            return null;
        }
        var user = kernelSpace.ForPageTableRoot(root.PhysicalAddress);
        var notes = new List<string>();
        var ranges = new List<(ulong From, ulong To)>();
        try
        {
            var vmas = Vmas.ForEachVma(kernel.Object("struct mm_struct", mm), context.Cancellation);
            foreach (var slot in vmas.Items)
            {
                ulong from, to;
                if (slot.StoredFirst is { } first && slot.StoredLast is { } last) (from, to) = (first, last + 1);
                else
                {
                    if (!slot.Vma["vm_start"].TryReadUnsigned(out from, out var f1) || !slot.Vma["vm_end"].TryReadUnsigned(out to, out f1))
                    {
                        notes.Add($"VMA {slot.Vma.Address:x}: {f1!.Message}; not searched");
                        continue;
                    }
                }
                from = Math.Max(from, start);
                to = Math.Min(to, end);
                if (from < to) ranges.Add((from, to));
            }
            if (!vmas.IsComplete) notes.Add($"the VMAs of mm {mm:x}: {vmas.Problem}; the VMAs before that were searched");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            failure = $"search -u: {who}: mm {mm:x}: {KernelDataErrors.Reason(e)}";
            return null;
        }
        ulong ps = (ulong)kernel.PageSize;
        long total = ranges.Sum(r => (long)((r.To - r.From + ps - 1) / ps));
        var counts = new UserPageCounts();
        notes.Add(""); // the counts' place, filled once the pages have been read
        int countsAt = notes.Count - 1;
        var plan = new PagePlan(Walk(), total, notes) { Task = task.Address };
        return plan;

        IEnumerable<(ulong, ulong)> Walk()
        {
            foreach (var (from, to) in ranges)
                foreach (var page in UserRangePages(kernel, user, from, to, counts)) yield return page;
            notes[countsAt] = $"{who}: {counts.Present} pages searched in {ranges.Count} VMAs; {counts.NotMapped} not mapped "
                + $"(never touched or swapped out), {counts.NotInDump} not in the dump";
        }
    }

    /// <summary>How the pages of a user range turned out.</summary>
    private sealed class UserPageCounts
    {
        public long Present;
        public long NotMapped;
        public long NotInDump;
    }

    private static IEnumerable<(ulong, ulong)> UserRangePages(IKernel kernel, X86_64AddressSpace user, ulong from, ulong to, UserPageCounts counts)
    {
        ulong ps = (ulong)kernel.PageSize;
        for (ulong va = from & ~(ps - 1); va < to;)
        {
            var walk = user.Walk(va);
            if (walk.Success)
            {
                if (kernel.Dump.GetPageState(walk.PhysicalAddress / ps) == PageState.Present)
                {
                    counts.Present++;
                    yield return (va, walk.PhysicalAddress & ~(ps - 1));
                }
                else counts.NotInDump++;
                va += ps;
                continue;
            }
            // The level that had no entry tells how much address space is empty from here.
            int level = Math.Max(0, walk.Levels.Count - 1);
            int shift = 12 + 9 * (user.Levels - 1 - level);
            ulong next = shift >= 63 ? to : (va | ((1UL << shift) - 1)) + 1;
            if (next <= va || next > to) next = to;
            if (walk.Fault?.Kind is MemoryFaultKind.NotMapped) counts.NotMapped += (long)((next - va + ps - 1) / ps);
            else counts.NotInDump += (long)((next - va + ps - 1) / ps);
            va = next;
        }
    }

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
