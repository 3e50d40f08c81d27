namespace DumpScope.Plugins.Stacks;

/// <summary>What a backtrace header says about a task.</summary>
/// <param name="Address">The task_struct.</param>
/// <param name="Pid">Its pid, null when unreadable.</param>
/// <param name="Comm">Its command name, null when unreadable.</param>
/// <param name="Cpu">The CPU it runs or last ran on, null when unreadable.</param>
/// <param name="RunningCpu">The CPU it was running on when the dump was taken, null when it was not running.</param>
/// <param name="StateCode">crash's two-letter state code (RU, IN, UN…), null when unreadable.</param>
internal sealed record TaskSummary(ulong Address, int? Pid, string? Comm, int? Cpu, int? RunningCpu, string? StateCode)
{
    /// <summary>crash's bt header: <c>PID: 175      TASK: ffff8a94efe00000  CPU: 2    COMMAND: "sh"</c>.</summary>
    public string Header =>
        $"PID: {(Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"),-8} TASK: {Address:x16}  CPU: {(Cpu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"),-4} COMMAND: \"{Comm ?? "?"}\"";
}
