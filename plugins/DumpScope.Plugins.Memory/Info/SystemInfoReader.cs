using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Init;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Sdk.Linux.Time;

namespace DumpScope.Plugins.Memory.Info;

/// <summary>
/// crash's <c>sys</c> facts, each from the kernel's own data: <c>init_uts_ns.name</c> (struct new_utsname) for
/// the names, VMCOREINFO's CRASHTIME for the date, the timekeeper for the uptime, <c>avenrun</c> for the load,
/// the task lists for TASKS, the nodes' present pages for MEMORY, the log for PANIC.
/// </summary>
public static class SystemInfoReader
{
    /// <summary>Reads every field; a field that cannot be read says why.</summary>
    public static IReadOnlyList<SystemField> Read(IKernel kernel, Func<KernelLog> log, CancellationToken cancellation = default)
    {
        var fields = new List<SystemField>();
        // crash marks a tainted kernel after its name; tainted_mask (kernel/panic.c) is nonzero once any taint is set.
        bool tainted = KernelGlobals.TryReadInteger(kernel, "tainted_mask", "unsigned long", out var taints, out _) && taints != 0;
        fields.Add(new("KERNEL", Cell.Text($"{kernel.Release} (symbols: {kernel.Symbols.Source}; types: {kernel.Types.Source})" + (tainted ? "  [TAINTED]" : "")),
            "symbol and type sources" + (tainted ? $"; tainted_mask 0x{taints:x}" : "")));
        var level = kernel.Dump.Describe().FirstOrDefault(kv => kv.Key == "dump level").Value;
        bool partial = int.TryParse(level, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dl) && dl > 0;
        fields.Add(new("DUMPFILE", Cell.Text(kernel.Dump.FilePath + (partial ? "  [PARTIAL DUMP]" : "")), $"{kernel.Dump.FormatName}" + (partial ? $", dump level {dl}" : "")));

        // The CPUs the machine has are the present ones; a possible CPU beyond them is an empty hot-plug slot. A
        // present CPU not online was unplugged, or stopped by the panic (smp_send_stop clears it from the mask).
        var present = kernel.ForEachPresentCpu().ToArray();
        int offline = present.Count(c => !kernel.OnlineCpus.Contains(c));
        fields.Add(new("CPUS", Cell.Int(present.Length).Displayed(offline > 0 ? $"{present.Length} [OFFLINE: {offline}]" : $"{present.Length}"),
            "cpu_present_mask below nr_cpu_ids; offline = present and not in cpu_online_mask"));

        fields.Add(Date(kernel));
        fields.Add(Uptime(kernel));
        fields.Add(LoadAverage(kernel));
        fields.Add(Tasks(kernel, cancellation));

        var uts = Uts(kernel);
        fields.Add(uts("NODENAME", "nodename"));
        fields.Add(uts("RELEASE", "release"));
        fields.Add(uts("VERSION", "version"));
        var machine = uts("MACHINE", "machine");
        if (machine.Value.HasValue && KernelGlobals.TryReadInteger(kernel, "cpu_khz", "unsigned int", out var khz, out _) && khz > 0)
            machine = machine with { Value = Cell.Text($"{machine.Value.Value}  ({khz / 1000} Mhz)"), Source = machine.Source + ", cpu_khz" };
        fields.Add(machine);
        fields.Add(Memory(kernel));
        fields.Add(Panic(log));
        return fields;
    }

    private static SystemField Date(IKernel kernel)
    {
        if (kernel.VmcoreInfo?["CRASHTIME"] is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return new("DATE", Cell.Text(CrashFormat.Date(DateTimeOffset.FromUnixTimeSeconds(seconds))), "VMCOREINFO CRASHTIME");
        if (Timekeeping.Timekeeper(kernel) is { } tk)
        {
            try
            {
                long xtime = (long)tk["xtime_sec"].ReadUnsigned();
                return new("DATE", Cell.Text(CrashFormat.Date(DateTimeOffset.FromUnixTimeSeconds(xtime))), "tk_core.timekeeper.xtime_sec");
            }
            catch (MemoryFaultException e)
            {
                return new("DATE", Cell.Unreadable(e.Fault.Message), "tk_core.timekeeper.xtime_sec");
            }
        }
        return new("DATE", Cell.NotAvailable("no CRASHTIME in VMCOREINFO and no timekeeper"), "CRASHTIME / timekeeper");
    }

    private static SystemField Uptime(IKernel kernel) =>
        Timekeeping.KtimeGetBoottime(kernel, out var source, out var problem) is { } uptime
            ? new("UPTIME", Seconds(uptime), source)
            : new("UPTIME", Cell.NotAvailable(problem ?? "no clock"), source);

    private static SystemField LoadAverage(IKernel kernel)
    {
        var loads = Sdk.Linux.Sched.LoadAverage.GetAvenrun(kernel, out var problem);
        // Three typed numbers, each shown as /proc/loadavg prints it ("0.00", not "0").
        if (loads is not null)
            return new("LOAD AVERAGE", Cell.List([.. loads.Select(l => Cell.Real(double.Parse(l, CultureInfo.InvariantCulture)).Displayed(l))]).Displayed(string.Join(", ", loads)), Sdk.Linux.Sched.LoadAverage.Source);
        return new("LOAD AVERAGE", problem == "avenrun is not in this kernel" ? Cell.NotAvailable(problem) : Cell.Unreadable(problem!), Sdk.Linux.Sched.LoadAverage.Source);
    }

    private static SystemField Tasks(IKernel kernel, CancellationToken cancellation)
    {
        const string source = "init_task.tasks + each leader's signal->thread_head + idle tasks of runqueues";
        try
        {
            var tasks = KernelTasks.ForEachTask(kernel, cancellation);
            var cell = tasks.IsComplete ? Cell.Int(tasks.Items.Count) : Cell.Text($"{tasks.Items.Count} (incomplete: {tasks.Problem})");
            return new("TASKS", cell, source);
        }
        catch (TypeNotFoundException e)
        {
            return new("TASKS", Cell.NotAvailable(e.Message), source);
        }
        catch (MemoryFaultException e)
        {
            return new("TASKS", Cell.Unreadable(e.Fault.Message), source);
        }
    }

    private static Func<string, string, SystemField> Uts(IKernel kernel)
    {
        KernelObject? name = null;
        string? problem = null;
        try
        {
            name = Utsname.InitUtsname(kernel);
        }
        catch (TypeNotFoundException e)
        {
            problem = e.Message;
        }
        return (field, member) =>
        {
            var source = $"init_uts_ns.name.{member}";
            ulong? untyped = name is null ? Utsname.UntypedAddress(kernel, member, out source) : null;
            if (name is null && untyped is null) return new(field, Cell.NotAvailable(problem!), source);
            try
            {
                // without types the struct new_utsname is found by its content (Utsname.FindUntyped)
                var text = untyped is { } at ? kernel.Memory.ReadCString(at, Utsname.FieldLength) : name![member].ReadString(Utsname.FieldLength);
                return new(field, Cell.Text(text), source);
            }
            catch (MemoryFaultException e)
            {
                return new(field, Cell.Unreadable(e.Fault.Message), source);
            }
        };
    }

    /// <summary>RAM present (crash's MEMORY): Σ node_present_pages over the online nodes' pglist_data.</summary>
    private static SystemField Memory(IKernel kernel)
    {
        const string source = "Σ node_data[nid]->node_present_pages × page size";
        try
        {
            if (!kernel.Symbols.TryGetAddress("node_data", out var nodeData))
            {
                var contig = kernel.Global("contig_page_data", "struct pglist_data")["node_present_pages"].ReadUnsigned();
                return new("MEMORY", Bytes(contig * (ulong)kernel.PageSize), "contig_page_data.node_present_pages × page size");
            }
            var pglist = kernel.Types.Require("struct pglist_data");
            ulong pages = 0;
            for (uint nid = 0; nid < kernel.NrNodeIds; nid++)
            {
                ulong pgdat = kernel.Memory.ReadU64(nodeData + nid * 8, "node_data");
                if (pgdat == 0) continue;
                pages += new KernelObject(kernel, pglist, pgdat)["node_present_pages"].ReadUnsigned();
            }
            return new("MEMORY", Bytes(pages * (ulong)kernel.PageSize), source);
        }
        catch (MemoryFaultException e)
        {
            return new("MEMORY", Cell.Unreadable(e.Fault.Message), source);
        }
        catch (TypeNotFoundException e)
        {
            return new("MEMORY", Cell.NotAvailable(e.Message), source);
        }
    }

    private static SystemField Panic(Func<KernelLog> log)
    {
        const string source = "the last \"Kernel panic - not syncing: \" line of the log";
        try
        {
            var text = log();
            if (text.PanicMessage is { } panic) return new("PANIC", Cell.Text(panic), source);
            // dumped by crash_kexec from oops_end without a panic: crash's sys names the oops the same way
            if (text.OopsMessage is { } oops) return new("PANIC", Cell.Text(oops), "the last \"Oops: \" (else \"BUG: \") line of the log: no panic line");
            return new("PANIC", Cell.NotAvailable("no \"Kernel panic - not syncing\", \"Oops: \" or \"BUG: \" line in the log"), source);
        }
        catch (MemoryFaultException e)
        {
            return new("PANIC", Cell.Unreadable($"log unreadable: {e.Fault.Message}"), source);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return new("PANIC", Cell.NotAvailable($"log unreadable: {e.Message}"), source);
        }
    }

    /// <summary>Whole seconds as the value (JSON), crash's days/hh:mm:ss for people.</summary>
    private static Cell Seconds(TimeSpan span) => Cell.Int((long)span.TotalSeconds).Displayed(CrashFormat.Uptime(span));

    /// <summary>Bytes as the value (JSON), crash's "511.5 MB" for people.</summary>
    private static Cell Bytes(ulong bytes) => Cell.Size(bytes).Displayed(CrashFormat.Size(bytes));
}
