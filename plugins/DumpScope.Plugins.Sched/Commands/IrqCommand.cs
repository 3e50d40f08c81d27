using DumpScope.Sdk.Linux.Irq;

namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>irq</c>: every IRQ number below nr_irqs with its irq_desc and irqaction (or "(unused)"), and the
/// action's name. <c>-s</c>: per-CPU counts like /proc/interrupts (IRQs with handlers only). <c>-a</c>: each
/// handled IRQ's affinity (CPU list). <c>-d</c>: every descriptor with chip, flow handler and each action's handler.
/// </summary>
[Command("irq", Help = "interrupts: irq_desc and irqaction per IRQ (irq [-s|-a|-d] [IRQ]...; -s: counts per CPU like /proc/interrupts, -a: affinity, -d: chip and handlers)",
    Examples = ["irq  every IRQ number", "irq -s  counts per CPU", "irq -a  affinity of handled IRQs", "irq -d  handlers by symbol", "irq 4  IRQ 4 only"],
    SeeAlso = ["timer", "runq"])]
public sealed class IrqCommand : ICommand
{
    /// <summary>Counts per CPU.</summary>
    [Option("-s", Help = "per-CPU counts of the IRQs that have handlers, like /proc/interrupts")]
    public bool Stats { get; set; }

    /// <summary>Affinity.</summary>
    [Option("-a", Help = "the CPU affinity of the IRQs that have handlers")]
    public bool Affinity { get; set; }

    /// <summary>Details.</summary>
    [Option("-d", Help = "present descriptors with chip, flow handler and every action's handler symbol")]
    public bool Details { get; set; }

    /// <summary>IRQ numbers.</summary>
    [Argument(0, Name = "IRQ", Help = "only these IRQ numbers")]
    public string[] Irqs { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if ((Stats ? 1 : 0) + (Affinity ? 1 : 0) + (Details ? 1 : 0) > 1) throw new UsageException("irq: -s, -a and -d exclude each other");
        var only = new HashSet<int>();
        foreach (var text in Irqs)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int irq)) throw new UsageException($"irq: invalid IRQ number: {text}");
            only.Add(irq);
        }
        WalkResult<(int Irq, ulong Desc)> walk;
        try
        {
            walk = IrqDescs.ForEachIrqDesc(kernel, context.Cancellation);
        }
        catch (Exception e) when (e is TypeNotFoundException || KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"irq: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        if (walk.Problem is not null) result.Warnings.Add($"irq: the descriptor tree: {walk.Problem}");
        var descs = new SortedDictionary<int, ulong>();
        foreach (var (irq, desc) in walk.Items)
            if (irq >= 0) descs.TryAdd(irq, desc);
        int nrIrqs = IrqDescs.NrIrqs(kernel) ?? (descs.Count == 0 ? 0 : descs.Keys.Max() + 1);
        var infos = new List<IrqDescInfo>();
        foreach (var (irq, desc) in descs)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (only.Count == 0 || only.Contains(irq)) infos.Add(IrqDescs.ReadIrqDesc(kernel, irq, desc));
        }
        if (Stats) Counts(kernel, result, infos);
        else if (Affinity) Affinities(result, infos);
        else if (Details) Detailed(kernel, result, infos);
        else List(result, infos, nrIrqs, only);
        return result;
    }

    private static void List(CommandResult result, List<IrqDescInfo> infos, int nrIrqs, HashSet<int> only)
    {
        var table = result.Add(new TableBlock(new Column("IRQ", CellKind.Integer), new Column("IRQ_DESC", CellKind.Address),
            new Column("IRQACTION", CellKind.Address), new Column("NAME")) { TextFromRows = true });
        const string Header = " IRQ   IRQ_DESC/_DATA      IRQACTION      NAME";
        var byIrq = infos.ToDictionary(i => i.Irq);
        string unused = Centered.Word("(unused)", 16);
        var numbers = only.Count > 0 ? only.Order() : Enumerable.Range(0, nrIrqs).Concat(byIrq.Keys.Where(k => k >= nrIrqs));
        bool header = true;
        foreach (int irq in numbers)
        {
            TableRow row;
            string prefix = header ? Header + "\n" : "";
            header = false;
            if (!byIrq.TryGetValue(irq, out var info))
            {
                row = table.AddRow(Cell.Int(irq), Cell.NotAvailable("no descriptor"), Cell.NotAvailable("no descriptor", CellKind.Address), Cell.NotApplicable());
                row.Text = $"{prefix}{Number(irq)}{unused}  {unused}  ";
                continue;
            }
            if (info.Actions.Count == 0)
            {
                row = table.AddRow(Cell.Int(irq), Cell.Address(info.Desc), Cell.NotAvailable("no action", CellKind.Address), Cell.NotApplicable());
                row.Text = $"{prefix}{Number(irq)}{info.Desc:x16}  {unused}  ";
            }
            else
            {
                var first = info.Actions[0];
                row = table.AddRow(Cell.Int(irq), Cell.Address(info.Desc), Cell.Address(first.Address), first.Name is { } n ? Cell.Text(n) : Cell.Unreadable(first.Problem ?? "name unreadable"));
                var text = new StringBuilder($"{prefix}{Number(irq)}{info.Desc:x16}  {first.Address:x16}  \"{first.Name ?? "?"}\"");
                foreach (var more in info.Actions.Skip(1))
                    text.Append('\n').Append(new string(' ', 24)).Append($"{more.Address:x16}  \"{more.Name ?? "?"}\"");
                row.Text = text.ToString();
                row.WithTarget("struct irqaction", new ObjectTarget("struct irqaction", first.Address));
            }
            row.Problem = info.Problem;
            row.WithTarget("struct irq_desc", new ObjectTarget("struct irq_desc", info.Desc));
        }
    }

    // crash's IRQ column: the number after one space, right-aligned in two, the column six wide ("  0   ", " 100  ").
    private static string Number(int irq) => $" {irq,2}".PadRight(6);

    private static string FlowName(IKernel kernel, ulong handler)
    {
        // handle_edge_irq → "edge", handle_fasteoi_irq → "fasteoi", as crash and /proc/interrupts name the flow.
        string? name = KernelText.SymbolName(kernel, handler);
        if (name is null) return "";
        if (name.StartsWith("handle_", StringComparison.Ordinal)) name = name["handle_".Length..];
        if (name.EndsWith("_irq", StringComparison.Ordinal)) name = name[..^"_irq".Length];
        return name;
    }

    private static string ChipFlow(IKernel kernel, IrqDescInfo info) =>
        info.ChipName is null ? "" : info.FlowHandler == 0 ? info.ChipName : $"{info.ChipName}-{FlowName(kernel, info.FlowHandler)}";

    private static void Counts(IKernel kernel, CommandResult result, List<IrqDescInfo> infos)
    {
        var cpus = kernel.ForEachOnlineCpu().ToArray();
        var columns = new List<Column> { new("IRQ", CellKind.Integer) };
        columns.AddRange(cpus.Select(c => new Column($"CPU{c}", CellKind.Integer)));
        columns.Add(new Column("CHIP"));
        columns.Add(new Column("NAME"));
        var table = result.Add(new TableBlock(columns.ToArray()) { TextFromRows = true });
        string header = "    " + string.Concat(cpus.Select(c => $"CPU{c}".PadLeft(11))) + " ";
        bool first = true;
        foreach (var info in infos.Where(i => i.Actions.Count > 0))
        {
            var cells = new List<Cell> { Cell.Int(info.Irq) };
            var text = new StringBuilder(first ? header + "\n" : "");
            first = false;
            text.Append($"{info.Irq,3}:");
            foreach (int cpu in cpus)
            {
                ulong? count = info.Counts is { } counts && cpu < counts.Count ? counts[cpu] : null;
                cells.Add(count is { } c ? Cell.UInt(c) : Cell.Unreadable(info.Problem ?? "no kstat_irqs", CellKind.Integer));
                text.Append(' ').Append((count?.ToString(CultureInfo.InvariantCulture) ?? "?").PadLeft(10));
            }
            string chip = ChipFlow(kernel, info);
            string names = string.Join(", ", info.Actions.Select(a => a.Name ?? "?"));
            cells.Add(Cell.Text(chip));
            cells.Add(Cell.Text(names));
            text.Append($"  {chip,-16} {names}");
            var row = table.AddRow(cells.ToArray());
            row.Text = text.ToString();
            row.Problem = info.Problem;
            row.WithTarget("struct irq_desc", new ObjectTarget("struct irq_desc", info.Desc));
        }
    }

    private static void Affinities(CommandResult result, List<IrqDescInfo> infos)
    {
        var table = result.Add(new TableBlock(new Column("IRQ", CellKind.Integer), new Column("NAME"), new Column("AFFINITY")) { TextFromRows = true });
        bool first = true;
        foreach (var info in infos.Where(i => i.Actions.Count > 0))
        {
            string names = string.Join(",", info.Actions.Select(a => a.Name ?? "?"));
            string? affinity = info.Affinity is { } mask ? KernelText.CpuList(mask) : null;
            var row = table.AddRow(Cell.Int(info.Irq), Cell.Text(names), affinity is null ? Cell.Unreadable(info.Problem ?? "affinity unreadable") : Cell.Text(affinity));
            row.Text = $"{(first ? "IRQ NAME                 AFFINITY\n" : "")}{info.Irq,3} {names,-20} {affinity ?? "(unreadable)"}";
            first = false;
            row.Problem = info.Problem;
            row.WithTarget("struct irq_desc", new ObjectTarget("struct irq_desc", info.Desc));
        }
    }

    private static void Detailed(IKernel kernel, CommandResult result, List<IrqDescInfo> infos)
    {
        var table = result.Add(new TableBlock(new Column("IRQ", CellKind.Integer), new Column("IRQ_DESC", CellKind.Address), new Column("CHIP"),
            new Column("FLOW"), new Column("IRQACTION", CellKind.Address), new Column("HANDLER", CellKind.Address), new Column("HANDLER_SYMBOL"),
            new Column("THREAD_FN"), new Column("NAME")));
        foreach (var info in infos)
        {
            string flow = KernelText.SymbolName(kernel, info.FlowHandler) ?? "";
            if (info.Actions.Count == 0)
            {
                var bare = table.AddRow(Cell.Int(info.Irq), Cell.Address(info.Desc), Cell.Text(info.ChipName ?? ""), Cell.Text(flow),
                    Cell.NotAvailable("no action", CellKind.Address), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(), Cell.NotApplicable(), Cell.NotApplicable());
                bare.Problem = info.Problem;
                bare.WithTarget("struct irq_desc", new ObjectTarget("struct irq_desc", info.Desc));
                continue;
            }
            foreach (var action in info.Actions)
            {
                var row = table.AddRow(Cell.Int(info.Irq), Cell.Address(info.Desc), Cell.Text(info.ChipName ?? ""), Cell.Text(flow), Cell.Address(action.Address),
                    KernelText.Or(action.Handler, v => Cell.Address(v), action.Problem ?? "handler unreadable", CellKind.Address),
                    action.Handler is { } h && KernelText.SymbolName(kernel, h) is { } hs ? Cell.Text(hs) : Cell.NotAvailable("no symbol"),
                    action.ThreadFn != 0 && KernelText.SymbolName(kernel, action.ThreadFn) is { } ts ? Cell.Text(ts) : Cell.NotApplicable(),
                    action.Name is { } n ? Cell.Text(n) : Cell.Unreadable(action.Problem ?? "name unreadable"));
                row.Problem = action.Problem ?? info.Problem;
                row.WithTarget("struct irqaction", new ObjectTarget("struct irqaction", action.Address));
                row.WithTarget("struct irq_desc", new ObjectTarget("struct irq_desc", info.Desc));
            }
        }
    }
}
