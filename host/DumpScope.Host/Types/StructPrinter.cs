namespace DumpScope.Host.Types;

/// <summary>
/// Prints types and typed objects as command results: a struct's layout, or an object's member values read
/// from the dump honouring the runtime-size registry (the trimmed <c>struct kmem_cache</c>).
/// </summary>
public static class StructPrinter
{
    /// <summary>
    /// The layout of <paramref name="type"/>: one row per member with OFFSET, BIT (bitfields), SIZE, TYPE and
    /// NAME; anonymous struct/union members expanded and indented.
    /// </summary>
    public static CommandResult Layout(KernelType type, StructPrintOptions? options = null, IRuntimeSizeRegistry? runtimeSizes = null)
    {
        options ??= new StructPrintOptions();
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = type.DisplayName });
        record.Add("TYPE", Cell.Text(type.DisplayName));
        record.Add("SIZE", Cell.Size(type.Size));
        if (runtimeSizes is not null && runtimeSizes.TryGet(type.Resolve().DisplayName, out var live))
        {
            record.Add("RUNTIME SIZE", Cell.Size(live.Size));
            record.Add("RUNTIME SIZE SOURCE", Cell.Text(live.Source));
        }
        var table = result.Add(StructLayoutWriter.Write(type, options));
        if (options.Member is { } member && table.Rows.Count == 0)
            return CommandResult.Fail($"{type.DisplayName} has no member '{member}'");
        return result;
    }

    /// <summary>
    /// The member values of the <paramref name="type"/> object at <paramref name="address"/>: a summary
    /// record, then one row per scalar member (NAME as a C path, TYPE, VALUE, DETAIL). Unreadable members are
    /// <see cref="Cell.Unreadable"/> cells with the fault; members past a registered runtime size are
    /// <see cref="Cell.NotAvailable"/> cells saying so.
    /// </summary>
    public static CommandResult Values(IKernel kernel, KernelType type, ulong address, StructPrintOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new StructPrintOptions();
        var result = new CommandResult();
        StructValueWriter.Write(kernel, type, address, options, result, cancellation);
        if (options.Member is { } member && result.Blocks.OfType<TableBlock>().All(t => t.Rows.Count == 0))
            return CommandResult.Fail($"{type.DisplayName} has no member '{member}'");
        return result;
    }
}
