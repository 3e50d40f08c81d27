using DumpScope.Host.Rendering;
using DumpScope.Host.Types;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>p</c>: a global variable's value read with its declared type (known from vmlinux DWARF, or for
/// per-cpu variables from BTF). Integers, enums and pointers print as <c>name = value</c>; structs, unions and
/// arrays as their member values (the struct command's table). <c>VAR.member</c> prints one member. A per-cpu
/// variable needs <c>--cpu N</c>; without it the command lists each CPU's copy.
/// </summary>
[Command("p", Aliases = ["print"], Help = "Print a global variable's value with its declared type (needs vmlinux DWARF, or a per-cpu variable in BTF)",
    Examples = ["p jiffies  a global's value", "p runqueues --cpu 1  a per-cpu variable of CPU 1"], SeeAlso = ["whatis", "sym", "struct"])]
public sealed class PrintCommand : ICommand
{
    /// <summary>The variable, optionally followed by a member path.</summary>
    [Argument(0, Name = "VAR", Required = true, Help = "a global variable, optionally .member (nr_cpu_ids, init_task.comm, runqueues.nr_running)")]
    public string Expression { get; set; } = "";

    /// <summary>For a per-cpu variable: the CPU whose copy to print.</summary>
    [Option("-c", "--cpu", Help = "for a per-cpu variable: the CPU whose copy to print")]
    public int? Cpu { get; set; }

    /// <summary>Array elements printed before the rest is summarised.</summary>
    [Option("-n", "--elements", Help = "array elements shown before the rest is summarised (default 16)")]
    public int Elements { get; set; } = 16;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var text = Expression.Trim();
        int split = text.IndexOfAny(['.', '[']);
        string name = split < 0 ? text : text[..split];
        string? member = split < 0 ? null : text[split..].TrimStart('.');
        if (name.Length == 0) throw new UsageException("p needs a variable name");
        if (Elements < 0) throw new UsageException($"-n {Elements}: the element count cannot be negative");

        var type = kernel.Types.FindVariableType(name)
            ?? throw new UsageException(kernel.Symbols.TryGetAddress(name, out _)
                ? $"{kernel.Types.Source} does not know the type of '{name}' (BTF describes only per-cpu variables; give --vmlinux with DWARF, or state the type: struct TYPE {name})"
                : $"'{name}' is not a variable known to {kernel.Types.Source} or {kernel.Symbols.Source}");
        if (!kernel.Symbols.TryGetAddress(name, out ulong address))
            throw new UsageException($"'{name}' has a type ({type.DisplayName}) but no address in {kernel.Symbols.Source} (a declaration the kernel does not define?)");
        if (member is { Length: > 0 } && !type.Resolve().HasMember(member) && !(member.StartsWith('[') && type.TryFindMember(member, out _)))
            throw new UsageException($"{type.DisplayName} has no member '{member}'");

        if (IsPerCpu(kernel, address))
        {
            if (Cpu is not { } cpu) return PerCpuAddresses(kernel, name, type, address);
            if (cpu < 0 || cpu >= kernel.NrCpuIds)
                throw new UsageException($"--cpu {cpu}: CPUs run from 0 to {kernel.NrCpuIds - 1} (nr_cpu_ids {kernel.NrCpuIds})");
            address += kernel.PerCpuOffset(cpu);
        }
        else if (Cpu is not null)
            throw new UsageException($"'{name}' is not a per-cpu variable; --cpu does not apply");

        var options = new StructPrintOptions { ArrayElements = Elements, Member = string.IsNullOrEmpty(member) ? null : member };
        var result = StructPrinter.Values(kernel, type, address, options, context.Cancellation);
        if (result.Failed) return result;
        var location = member is { Length: > 0 } ? type.FindMember(member) : new MemberLocation(0, 0, type);
        var shown = location.Type;
        if (shown.Resolve().Kind is TypeKind.Struct or TypeKind.Union or TypeKind.Array
            || result.Blocks.OfType<TableBlock>().FirstOrDefault() is not { Rows.Count: 1 } table)
            return result;

        // One scalar: "name = value" and a record, instead of a one-row table.
        var columns = table.Columns.Select(c => c.Name).ToList();
        var cells = table.Rows[0].Cells;
        var value = cells[columns.IndexOf("VALUE")];
        var detail = cells[columns.IndexOf("DETAIL")];
        var scalar = new CommandResult();
        scalar.Add(new TextBlock([$"{text} = {(value.Absence == Absence.None ? Render(shown, value) : $"<{value.Reason}>")}"]));
        var record = scalar.Add(new RecordBlock { Title = text });
        record.Add("TYPE", Cell.Text(shown.DisplayName));
        record.Add("ADDRESS", Cell.Address(address + location.Offset));
        record.Add("VALUE", value);
        if (detail.Absence == Absence.None) record.Add("DETAIL", detail);
        foreach (var target in table.Rows[0].Targets) record.Targets.Add(target);
        scalar.Warnings.AddRange(result.Warnings);
        return scalar;
    }

    /// <summary>crash's spelling: pointers as "(type) 0x…", everything else as the value.</summary>
    private static string Render(KernelType type, Cell value) =>
        type.Resolve().Kind == TypeKind.Pointer && value.Value is ulong pointer
            ? $"({type.DisplayName}) 0x{pointer:x}"
            : CellFormatter.FormatValue(value);

    /// <summary>Per-cpu variables are offsets inside [__per_cpu_start, __per_cpu_end) (0-based on x86-64 SMP).</summary>
    private static bool IsPerCpu(IKernel kernel, ulong address) =>
        kernel.Symbols.TryGetAddress("__per_cpu_start", out var start) && kernel.Symbols.TryGetAddress("__per_cpu_end", out var end)
        && address >= start && address < end;

    private static CommandResult PerCpuAddresses(IKernel kernel, string name, KernelType type, ulong offset)
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = name });
        record.Add("PER-CPU VARIABLE", Cell.Text(TypeFormatter.Declare(type, name)));
        record.Add("PER-CPU OFFSET", Cell.Address(offset));
        var table = result.Add(new TableBlock([new Column("CPU", CellKind.Integer), new Column("ADDRESS", CellKind.Address)]) { Title = "per-cpu copies (p NAME --cpu N prints one)" });
        foreach (int cpu in kernel.PossibleCpus.Cpus.Where(c => c < kernel.NrCpuIds))
        {
            var row = table.AddRow(Cell.Int(cpu), Cell.Address(offset + kernel.PerCpuOffset(cpu)));
            row.WithTarget($"{name} of CPU {cpu}", $"p {name} --cpu {cpu}");
        }
        return result;
    }
}
