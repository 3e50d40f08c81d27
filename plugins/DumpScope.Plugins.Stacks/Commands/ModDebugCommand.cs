namespace DumpScope.Plugins.Stacks.Commands;

/// <summary>
/// crash's <c>mod -S [DIR]</c>: takes each loaded module's debug file (.ko or .ko.debug with DWARF) from a folder,
/// relocated to where the module sits in the dump, so that <c>bt -l</c> and <c>dis -l</c> give source lines in module
/// code. The host finds, checks and loads the files (<see cref="IModuleDebugInfo"/>); this shows what each module got.
/// </summary>
[Command("mod", Selector = "-S", Help = "load module debug files: mod -S [DIR] (default: /usr/lib/debug/lib/modules/RELEASE, else /lib/modules/RELEASE)",
    Examples = ["mod -S  from the debug package's folder", "mod -S ~/dbg/modules  from another folder"], SeeAlso = ["mod", "bt", "dis"])]
public sealed class ModDebugCommand : ICommand
{
    /// <summary>The folder searched.</summary>
    [Argument(0, Name = "DIR", Help = "the folder holding the modules' .ko / .ko.debug files (searched recursively)")]
    public string? Directory { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (context.Services.GetService(typeof(IModuleDebugInfo)) is not IModuleDebugInfo modules)
            return CommandResult.Fail("mod -S: the host offers no module debug files (no kernel)");
        var directory = Directory ?? modules.DefaultDirectory;
        IReadOnlyList<ModuleDebugLoad> loads;
        try
        {
            loads = modules.Load(directory, context.Cancellation);
        }
        catch (DirectoryNotFoundException e)
        {
            return CommandResult.Fail($"mod -S: {e.Message}");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"mod -S: the module list cannot be read: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("NAME"), new Column("OBJECT FILE"), new Column("LOADED", CellKind.Bool), new Column("DETAIL")));
        foreach (var load in loads)
        {
            var row = table.AddRow(Cell.Text(load.Module), load.File is { } f ? Cell.Text(f) : Cell.NotAvailable(load.Detail), Cell.Bool(load.Loaded), Cell.Text(load.Detail));
            if (!load.Loaded && load.File is not null) row.Problem = load.Detail;
        }
        int loaded = loads.Count(l => l.Loaded);
        if (loaded < loads.Count) result.Warnings.Add($"mod -S: {loaded} of {loads.Count} modules have debug information from {directory}");
        return result;
    }
}
