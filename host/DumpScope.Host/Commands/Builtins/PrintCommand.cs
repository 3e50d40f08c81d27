using DumpScope.Host.Expressions;
using DumpScope.Host.Rendering;
using DumpScope.Host.Types;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>p</c>: the value of a C expression over the dump (<see cref="ExpressionEvaluator"/>): a global
/// with its declared type (vmlinux DWARF, BTF for per-cpu variables, else the host's declared globals),
/// members, subscripts, <c>*</c>, <c>&amp;</c>, casts, <c>container_of</c>, arithmetic. Scalars print as
/// <c>expr = value</c>; structs, unions and arrays as their member values (the struct command's table). A
/// per-cpu variable needs a CPU (<c>runqueues:1</c>, <c>--cpu 1</c>) or every CPU (<c>runqueues:a</c>, <c>-a</c>);
/// a bare per-cpu variable lists each CPU's copy.
/// </summary>
[Command("p", Aliases = ["print"], Help = "Print the value of a C expression: a global, a member path, a cast, per-cpu VAR:CPU",
    Examples = ["p jiffies  a global's value", "p init_task.comm  a member", "p runqueues:1  a per-cpu variable of CPU 1 (runqueues:a every CPU)",
        "p ((struct task_struct *)0xffff888003a4c000)->pid  a cast", "p *(struct list_head *)&modules  a global, its type stated"],
    SeeAlso = ["eval", "whatis", "sym", "struct"])]
public sealed class PrintCommand : ICommand
{
    /// <summary>The expression.</summary>
    [Argument(0, Name = "EXPR", Required = true, Help = "a C expression: nr_cpu_ids, init_task.comm, runqueues:1, *(struct page *)ADDR, &init_task")]
    public string[] Words { get; set; } = [];

    /// <summary>The expression as one string (spaces between words are kept).</summary>
    public string Expression
    {
        get => string.Join(' ', Words);
        set => Words = [value];
    }

    /// <summary>For per-cpu variables without :CPU: the CPU whose copy to print.</summary>
    [Option("-c", "--cpu", Help = "the CPU whose copy per-cpu variables without :CPU mean")]
    public int? Cpu { get; set; }

    /// <summary>Every CPU's copy (crash's :a).</summary>
    [Option("-a", "--all-cpus", Help = "print the value once per CPU (per-cpu variables without :CPU take each CPU's copy)")]
    public bool AllCpus { get; set; }

    /// <summary>Array elements printed before the rest is summarised.</summary>
    [Option("-n", "--elements", Help = "array elements shown before the rest is summarised (default 16)")]
    public int Elements { get; set; } = 16;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var text = Expression.Trim();
        if (text.Length == 0) throw new UsageException("p needs an expression");
        if (Elements < 0) throw new UsageException($"-n {Elements}: the element count cannot be negative");
        if (Cpu is { } given && (given < 0 || given >= kernel.NrCpuIds))
            throw new UsageException($"--cpu {given}: CPUs run from 0 to {kernel.NrCpuIds - 1} (nr_cpu_ids {kernel.NrCpuIds})");
        var options = new StructPrintOptions { ArrayElements = Elements };
        var evaluator = new ExpressionEvaluator(kernel) { Cpu = Cpu };
        var node = evaluator.Parse(text);

        if (AllCpus || node.MentionsAllCpus())
        {
            if (Cpu is not null) throw new UsageException("--cpu and every CPU (-a, :a) exclude each other");
            var all = new CommandResult();
            foreach (int cpu in kernel.PossibleCpus.Cpus.Where(c => c < kernel.NrCpuIds))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var one = new ExpressionEvaluator(kernel) { Cpu = cpu };
                one.Parse(text);
                var copy = one.Evaluate(node);
                if (!one.UsedPerCpu) throw new UsageException($"'{text}' has no per-cpu variable; -a and :a do not apply");
                var shown = Show(kernel, one, node, copy, $"{text} (CPU {cpu})", options, context.Cancellation);
                all.Blocks.AddRange(shown.Blocks);
                all.Warnings.AddRange(shown.Warnings);
                if (shown.Failed) all.Warnings.Add($"CPU {cpu}: {shown.Error}");
            }
            return all;
        }

        var value = evaluator.Evaluate(node);
        if (Cpu is not null && !evaluator.UsedPerCpu)
            throw new UsageException($"'{text}' is not a per-cpu variable (and has none); --cpu does not apply");
        if (value.IsPerCpuOffset && value.Symbol is { } perCpu && node is ExpressionNode.Name)
            return PerCpuAddresses(kernel, perCpu, value.Type, value.Address!.Value);
        var printed = Show(kernel, evaluator, node, value, text, options, context.Cancellation);
        foreach (var guess in evaluator.InferredTypes) printed.Warnings.Add($"type from the name, not declared: {guess}; if wrong, cast: p *(struct TYPE *)&SYMBOL");
        return printed;
    }

    /// <summary>
    /// One value: an object's members, or "expr = value" for a scalar. A member path of an object
    /// (<c>init_task.comm</c>, <c>runqueues:1.cfs</c>) prints through the object's type, so rows keep the
    /// member's name and bitfields their bits.
    /// </summary>
    internal static CommandResult Show(IKernel kernel, ExpressionEvaluator evaluator, ExpressionNode node, ExpressionValue value, string label, StructPrintOptions options, CancellationToken cancellation)
    {
        if (value.IsLvalue && value.Type is null)
            throw new UsageException($"'{value.Symbol}' is at 0x{value.Address:x}, but {kernel.Types.Source} and the declared globals do not know the type of '{value.Symbol}'{evaluator.WhyUntyped(value.Symbol!)}: "
                + $"give --vmlinux with DWARF, or state the type: p (unsigned long){value.Symbol} for a number, p *(struct TYPE *)&{value.Symbol} for an object");
        var type = value.Type!;
        if (value.IsLvalue && !value.IsPerCpuOffset)
        {
            var (printed, at, member) = (type, value.Address!.Value, (string?)null);
            if (MemberPath(node, out var root) is { } path && evaluator.Evaluate(root) is { IsLvalue: true, IsPerCpuOffset: false, Type: { } owner, Address: { } ownerAddress }
                && owner.Resolve().Kind is TypeKind.Struct or TypeKind.Union or TypeKind.Array)
                (printed, at, member) = (owner, ownerAddress, path);
            if (member is not null || value.BitSize == 0)
            {
                var result = StructPrinter.Values(kernel, printed, at, options with { Member = member }, cancellation);
                if (result.Failed || type.Resolve().Kind is TypeKind.Struct or TypeKind.Union or TypeKind.Array
                    || result.Blocks.OfType<TableBlock>().FirstOrDefault() is not { Rows.Count: 1 } table)
                    return result;
                var columns = table.Columns.Select(c => c.Name).ToList();
                var cells = table.Rows[0].Cells;
                var scalar = Scalar(label, type, value.Address, cells[columns.IndexOf("VALUE")], cells[columns.IndexOf("DETAIL")]);
                foreach (var target in table.Rows[0].Targets) scalar.Blocks.OfType<RecordBlock>().First().Targets.Add(target);
                scalar.Warnings.AddRange(result.Warnings);
                return scalar;
            }
        }
        ulong bits = evaluator.ScalarOf(value, 0);
        var resolved = type.Resolve();
        Cell cell = resolved.Kind == TypeKind.Pointer ? Cell.Address(bits)
            : resolved.Kind == TypeKind.Enum && resolved.Enumerators.FirstOrDefault(e => (ulong)e.Value == bits) is { Name: { } name } ? Cell.Enum(name)
            : resolved.IsSigned ? Cell.Int((long)bits) : Cell.UInt(bits);
        Cell detail = resolved.Kind == TypeKind.Pointer && kernel.Symbols.Lookup(bits) is { } match && bits >= 0xffff800000000000UL
            ? Cell.Text(match.ToString()) : Cell.NotApplicable();
        return Scalar(label, type, value.IsLvalue ? value.Address : null, cell, detail);
    }

    /// <summary>"comm", "se.load.weight", "node[0]": the member path a chain of '.' and constant '[n]' forms over <paramref name="root"/>.</summary>
    private static string? MemberPath(ExpressionNode node, out ExpressionNode root)
    {
        var parts = new List<string>();
        while (true)
        {
            switch (node)
            {
                case ExpressionNode.Member { Arrow: false } m:
                    parts.Add("." + m.Field);
                    node = m.Operand;
                    continue;
                case ExpressionNode.Index { Subscript: ExpressionNode.Number n } i:
                    parts.Add($"[{n.Value.ToString(CultureInfo.InvariantCulture)}]");
                    node = i.Operand;
                    continue;
            }
            root = node;
            parts.Reverse();
            return parts.Count == 0 ? null : string.Concat(parts).TrimStart('.');
        }
    }

    private static CommandResult Scalar(string label, KernelType type, ulong? address, Cell value, Cell detail)
    {
        var scalar = new CommandResult();
        scalar.Add(new TextBlock([$"{label} = {(value.Absence == Absence.None ? Render(type, value) : $"<{value.Reason}>")}"]));
        var record = scalar.Add(new RecordBlock { Title = label });
        record.Add("TYPE", Cell.Text(type.DisplayName));
        if (address is { } at) record.Add("ADDRESS", Cell.Address(at));
        record.Add("VALUE", value);
        if (detail.Absence == Absence.None) record.Add("DETAIL", detail);
        return scalar;
    }

    /// <summary>crash's spelling: pointers as "(type) 0x…", everything else as the value.</summary>
    private static string Render(KernelType type, Cell value) =>
        type.Resolve().Kind == TypeKind.Pointer && value.Value is ulong pointer
            ? $"({type.DisplayName}) 0x{pointer:x}"
            : CellFormatter.FormatValue(value);

    private static CommandResult PerCpuAddresses(IKernel kernel, string name, KernelType? type, ulong offset)
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = name });
        record.Add("PER-CPU VARIABLE", Cell.Text(type is null ? name : TypeFormatter.Declare(type, name)));
        record.Add("PER-CPU OFFSET", Cell.Address(offset));
        var table = result.Add(new TableBlock([new Column("CPU", CellKind.Integer), new Column("ADDRESS", CellKind.Address)]) { Title = "per-cpu copies (p NAME:N prints one, p NAME:a all)" });
        foreach (int cpu in kernel.PossibleCpus.Cpus.Where(c => c < kernel.NrCpuIds))
        {
            var row = table.AddRow(Cell.Int(cpu), Cell.Address(offset + kernel.PerCpuOffset(cpu)));
            row.WithTarget($"{name} of CPU {cpu}", $"p {name}:{cpu}");
        }
        return result;
    }
}
