using DumpScope.Sdk.Linux.MapleTree;
using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Sdk.Linux.Irq;

/// <summary>
/// Interrupt descriptors (kernel/irq/irqdesc.c). Where they are kept is probed by symbol, newest first: the maple
/// tree <c>sparse_irqs</c> (commit 721255b9826b "genirq: Use a maple tree for interrupt descriptor management",
/// 6.5), the radix tree <c>irq_desc_tree</c> (CONFIG_SPARSE_IRQ before that; a radix_tree_root is an xarray since
/// 4.20), or the static array <c>irq_desc[NR_IRQS]</c> (!CONFIG_SPARSE_IRQ).
/// </summary>
public static class IrqDescs
{
    /// <summary>At most this many descriptors are listed (far above any real nr_irqs).</summary>
    public const int MaxIrqs = 1 << 20;

    /// <summary>How many irqactions one descriptor's chain may hold before its walk is cut.</summary>
    public const int ActionBound = 256;

    /// <summary>The probed members of irq_desc, irqaction and irq_chip.</summary>
    private sealed record Layout(ProbedMember Chip, ProbedMember? HandleIrq, ProbedMember Action, ProbedMember? KstatIrqs, ProbedMember? Affinity,
        ProbedMember Handler, ProbedMember? ThreadFn, ProbedMember Next, ProbedMember Name, ProbedMember ChipName)
    {
        public static Layout Probe(IKernel kernel)
        {
            var desc = StructLayout.Probe(kernel, "struct irq_desc");
            var action = StructLayout.Probe(kernel, "struct irqaction");
            // kstat_irqs points to per-cpu unsigned ints, or since commit 86d2a2f51fba "genirq: Convert
            // kstat_irqs to a struct" (6.10) to per-cpu struct irqstat { cnt; ref; }: either way the count is the
            // first 4 bytes of each CPU's copy.
            // irq_common_data.affinity since commit 9df872faa7e1 "genirq: Move field 'affinity' from irq_data into
            // irq_common_data" (4.3); irq_data.affinity before.
            return new Layout(desc.RequireScalar("irq_data.chip"), desc.FindScalar("handle_irq"), desc.RequireScalar("action"), desc.FindScalar("kstat_irqs"),
                desc.Find("irq_common_data.affinity", "irq_data.affinity"), action.RequireScalar("handler"), action.FindScalar("thread_fn"),
                action.RequireScalar("next"), action.RequireScalar("name"), StructLayout.Probe(kernel, "struct irq_chip").RequireScalar("name"));
        }
    }

    /// <summary>The kernel's nr_irqs (the number of IRQ numbers in use), or null when unreadable.</summary>
    public static int? NrIrqs(IKernel kernel) =>
        KernelGlobals.TryReadInteger(kernel, "nr_irqs", "int", out var value, out _) && value is >= 0 and <= MaxIrqs ? (int)value : null;

    /// <summary>
    /// for_each_irq_desc: every present descriptor (IRQ number, irq_desc address) in IRQ order, from whichever store
    /// the kernel has. Throws <see cref="TypeNotFoundException"/> when none is found.
    /// </summary>
    public static WalkResult<(int Irq, ulong Desc)> ForEachIrqDesc(IKernel kernel, CancellationToken cancellation = default)
    {
        if (kernel.Symbols.TryGetAddress("sparse_irqs", out var maple))
        {
            var walk = MapleTrees.MtForEach(kernel.Object("struct maple_tree", maple), MaxIrqs, cancellation);
            // One descriptor per index: a range entry would be a corrupt tree; list its first index only.
            return walk.Select(e => ((int)e.First, e.Entry));
        }
        if (kernel.Symbols.TryGetAddress("irq_desc_tree", out var radix))
        {
            string rootType = kernel.Types.FindType("struct radix_tree_root") is not null ? "struct radix_tree_root" : "struct xarray";
            var walk = XArrays.XaForEach(kernel.Object(rootType, radix), MaxIrqs, cancellation);
            return walk.Select(e => ((int)e.Index, e.Value));
        }
        if (kernel.Symbols.TryGetAddress("irq_desc", out var array))
        {
            var desc = StructLayout.Probe(kernel, "struct irq_desc");
            int count = NrIrqs(kernel) ?? 0;
            return new(Enumerable.Range(0, count).Select(i => (i, array + (ulong)i * desc.Size)).ToArray(), WalkEnd.Completed, null);
        }
        throw new TypeNotFoundException($"no interrupt descriptors: none of sparse_irqs, irq_desc_tree, irq_desc is in {kernel.Symbols.Source}");
    }

    /// <summary>
    /// The descriptor of <paramref name="irq"/> at <paramref name="desc"/> read as /proc/interrupts reads it: chip,
    /// flow handler, action chain (bounded, cycle-aware), affinity and per-CPU counts; what cannot be read is in
    /// <see cref="IrqDescInfo.Problem"/>, never thrown.
    /// </summary>
    public static IrqDescInfo ReadIrqDesc(IKernel kernel, int irq, ulong desc)
    {
        var layout = KernelProbes.Get(kernel, Layout.Probe);
        var problems = new List<string>();
        if (!KernelAddress.IsKernel(desc))
            return new(irq, desc, null, 0, [], null, null, $"irq_desc pointer {desc:x} is not a kernel address");
        var obj = kernel.Object("struct irq_desc", desc);
        string? chipName = null;
        if (obj.TryUnsigned(layout.Chip, out var chip, out var why))
        {
            if (chip != 0 && !TryName(kernel, chip, layout.ChipName, out chipName, out why)) problems.Add($"chip name: {why}");
        }
        else problems.Add($"chip: {why}");
        ulong flow = 0;
        if (layout.HandleIrq is not null && !obj.TryUnsigned(layout.HandleIrq, out flow, out why)) problems.Add($"handle_irq: {why}");

        var actions = new List<IrqAction>();
        if (obj.TryUnsigned(layout.Action, out var first, out why))
        {
            var chain = KernelLists.NullTerminated(kernel.Memory, first, layout.Next.Offset, ActionBound);
            if (chain.Problem is not null) problems.Add($"action chain: {chain.Problem}");
            foreach (ulong a in chain.Items) actions.Add(ReadAction(kernel, layout, a));
        }
        else problems.Add($"action: {why}");

        CpuMask? affinity = null;
        if (layout.Affinity is not null)
        {
            if (ReadCpumask(kernel, obj, layout.Affinity, out var mask, out why)) affinity = mask;
            else problems.Add($"affinity: {why}");
        }

        List<ulong?>? counts = null;
        if (layout.KstatIrqs is not null && obj.TryUnsigned(layout.KstatIrqs, out var kstat, out why))
        {
            if (kstat != 0)
            {
                counts = [];
                for (int cpu = 0; cpu < kernel.NrCpuIds; cpu++)
                {
                    if (!kernel.PossibleCpus.Contains(cpu)) { counts.Add(null); continue; }
                    try { counts.Add(kernel.Memory.ReadU32(kernel.PerCpuPtr(kstat, cpu), "kstat_irqs")); }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                    {
                        counts.Add(null);
                        problems.Add($"cpu {cpu} count: {KernelDataErrors.Reason(e)}");
                    }
                }
            }
        }
        else if (layout.KstatIrqs is not null) problems.Add($"kstat_irqs: {why}");
        return new(irq, desc, chipName, flow, actions, affinity, counts, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static IrqAction ReadAction(IKernel kernel, Layout layout, ulong address)
    {
        var action = kernel.Object("struct irqaction", address);
        var problems = new List<string>();
        ulong? handler = action.TryUnsigned(layout.Handler, out var h, out var why) ? h : null;
        if (handler is null) problems.Add($"handler: {why}");
        ulong threadFn = layout.ThreadFn is not null && action.TryUnsigned(layout.ThreadFn, out var t, out _) ? t : 0;
        string? name = null;
        if (action.TryUnsigned(layout.Name, out var namePtr, out why))
        {
            if (namePtr != 0)
            {
                try { name = kernel.Memory.ReadCString(namePtr, 64, "irqaction name"); }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"name: {KernelDataErrors.Reason(e)}"); }
            }
            else name = "";
        }
        else problems.Add($"name: {why}");
        return new IrqAction(address, handler, threadFn, name, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static bool TryName(IKernel kernel, ulong obj, ProbedMember member, out string? name, out string? why)
    {
        name = null;
        if (!kernel.Memory.TryReadU64(obj + member.Offset, out var ptr, out var fault)) { why = fault!.Message; return false; }
        why = null;
        if (ptr == 0) return true;
        try
        {
            name = kernel.Memory.ReadCString(ptr, 64, "name");
            return true;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            why = KernelDataErrors.Reason(e);
            return false;
        }
    }

    /// <summary>
    /// A cpumask member: a <c>cpumask_var_t</c> pointer (CONFIG_CPUMASK_OFFSTACK) or an embedded
    /// <c>struct cpumask</c>, read for nr_cpu_ids bits.
    /// </summary>
    public static bool ReadCpumask(IKernel kernel, KernelObject owner, ProbedMember member, out CpuMask mask, out string? why)
    {
        mask = CpuMask.FirstN(0);
        ulong at = owner.Address + member.Offset;
        if (member.Type.Resolve().Kind == TypeKind.Pointer)
        {
            if (!kernel.Memory.TryReadU64(at, out at, out var fault)) { why = fault!.Message; return false; }
            if (at == 0) { why = "NULL cpumask"; return false; }
        }
        int words = (int)((kernel.NrCpuIds + 63) / 64);
        var bits = new ulong[Math.Max(1, words)];
        for (int i = 0; i < bits.Length; i++)
        {
            if (!kernel.Memory.TryReadU64(at + (ulong)i * 8, out bits[i], out var fault)) { why = fault!.Message; return false; }
        }
        int tail = (int)(kernel.NrCpuIds % 64);
        if (tail != 0) bits[^1] &= (1UL << tail) - 1;
        mask = new CpuMask(bits);
        why = null;
        return true;
    }
}
