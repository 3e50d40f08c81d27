using DumpScope.Tui;
using DumpScope.Tui.Tests.Fakes;

// Usage: DumpScope.Tui.SmokeApp [INITIAL-COMMAND]
// Runs the TUI over the sample fake session; "hang" blocks until cancelled (Esc).
var runner = SampleRunner.Create();
runner.On("hang", (token, _) =>
{
    token.WaitHandle.WaitOne();
    token.ThrowIfCancellationRequested();
    return CommandResult.FromText("not cancelled");
});
var options = new TuiOptions
{
    Profiles = ["slab", "tasks"],
    CurrentProfile = "slab",
    SwitchProfile = profile => profile == "tasks" ? SampleRunner.CreateTasksOnly() : SampleRunner.Create(),
    InitialCommand = args.Length > 0 ? string.Join(' ', args) : null,
};
return TuiApplication.Run(runner, options);
