namespace DumpScope.Plugins.Tasks.Commands;

/// <summary><c>pstree</c>: the process tree (the same as <c>ps --tree</c>).</summary>
[Command("pstree", Help = "the process tree: processes under their parents, threads in braces under their leader (pstree [PID|TASK|COMMAND]...)",
    Examples = ["pstree  every process under its parent", "pstree 1  the subtree of pid 1"], SeeAlso = ["ps", "task"])]
public sealed class PsTreeCommand(TaskAnalyzer analyzer) : ICommand
{
    /// <summary>Roots of the subtrees to show.</summary>
    [Argument(0, Name = "PID|TASK|COMMAND", Help = "only the subtrees of these tasks")]
    public string[] Filter { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) =>
        new PsCommand(analyzer) { Tree = true, Filter = Filter, Verb = "pstree" }.Execute(context);
}
