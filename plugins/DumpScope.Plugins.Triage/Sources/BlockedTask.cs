using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>A task in D state with its backtrace and how long it has been off the CPU.</summary>
/// <param name="Task">The task_struct.</param>
/// <param name="Pid">Its pid.</param>
/// <param name="Comm">Its comm.</param>
/// <param name="Trace">Its backtrace, or null (then <paramref name="TraceProblem"/> says why).</param>
/// <param name="TraceProblem">Why there is no trace.</param>
/// <param name="Blocked">Time since it last ran, when known.</param>
/// <param name="BlockedHow">How <paramref name="Blocked"/> was computed, or why it is unknown.</param>
/// <param name="LockOwner">The owner of the mutex it waits for, when found.</param>
internal sealed record BlockedTask(KernelObject Task, int? Pid, string Comm, Backtrace? Trace, string? TraceProblem, TimeSpan? Blocked, string BlockedHow,
    string? LockOwner)
{
    /// <summary>The stack's identity for grouping: its reliable function names, the scheduler's own frames left out.</summary>
    public string StackKey => Trace is null ? "" : string.Join(' ', Functions);

    /// <summary>Reliable function names, innermost first, without the scheduler's frames.</summary>
    public IReadOnlyList<string> Functions => Trace is null ? [] : TaskFacts.ReliableNames(Trace).Where(n => !HungTaskSource.SchedulerFrames.Contains(n)).ToArray();
}
