using DumpScope.Plugins.Triage.Findings;
using DumpScope.Plugins.Triage.Log;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage;

/// <summary>What the finding sources of one triage run share: the kernel, the log read once, the task list, and what they produce.</summary>
internal sealed class TriageContext
{
    private readonly Lazy<(KernelLog? Log, string? Problem)> _log;
    private readonly Lazy<IReadOnlyList<LogLine>> _lines;
    private readonly Lazy<IReadOnlyList<LogEvent>> _events;
    private readonly Lazy<IReadOnlyList<KernelObject>> _tasks;

    /// <summary>A context whose log is read from the kernel, or (tests) given as lines.</summary>
    public TriageContext(IKernel kernel, CancellationToken cancellation, IReadOnlyList<LogLine>? lines = null)
    {
        Kernel = kernel;
        Cancellation = cancellation;
        _log = lines is null ? new(ReadLog) : new(() => (new KernelLog("given lines", [], 0, 0, []), null));
        _lines = new(() => lines ?? (_log.Value.Log is { } log ? LogScanner.Lines(log) : []));
        _events = new(() => LogScanner.Scan(_lines.Value));
        _tasks = new(ReadTasks);
    }

    public IKernel Kernel { get; }

    public CancellationToken Cancellation { get; }

    public KernelBacktracer Backtracer => KernelBacktracer.Of(Kernel);

    /// <summary>The log, or null (then <see cref="LogProblem"/> says why).</summary>
    public KernelLog? Log => _log.Value.Log;

    /// <summary>Why the log could not be read.</summary>
    public string? LogProblem => _log.Value.Problem;

    public IReadOnlyList<LogLine> Lines => _lines.Value;

    public IReadOnlyList<LogEvent> Events => _events.Value;

    /// <summary>Every task the task list walk reached.</summary>
    public IReadOnlyList<KernelObject> Tasks => _tasks.Value;

    /// <summary>Problems met that belong to no finding (a task list cut short).</summary>
    public List<string> Warnings { get; } = [];

    public List<Finding> Findings { get; } = [];

    /// <summary>The summary record's fields in order: name, key, value, target.</summary>
    public List<RecordField> Summary { get; } = [];

    /// <summary>Detail tables (the panic stack, hung task groups, top slab caches, top tasks by RSS).</summary>
    public List<ResultBlock> Details { get; } = [];

    /// <summary>Pictures of numbers the findings and the summary already hold (HTML draws them; other outputs leave them out).</summary>
    public List<ChartBlock> Charts { get; } = [];

    /// <summary>The crash signature, when one could be made.</summary>
    public CrashSignature? Signature { get; set; }

    /// <summary>The report that stopped the kernel (the panic, or an Oops/BUG without a panic line).</summary>
    public LogEvent? StopEvent { get; set; }

    /// <summary>The report that caused the stop (the Oops before "Fatal exception", the sysrq before its panic).</summary>
    public LogEvent? CauseEvent { get; set; }

    public void AddSummary(string name, string key, Cell value, NavigationTarget? target = null) =>
        Summary.Add(new RecordField(name, value, target) { Key = key });

    private (KernelLog?, string?) ReadLog()
    {
        try
        {
            return (KernelLogReader.Read(Kernel), null);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, KernelDataErrors.Reason(e));
        }
    }

    private IReadOnlyList<KernelObject> ReadTasks()
    {
        try
        {
            var walk = KernelTasks.ForEachTask(Kernel, Cancellation);
            if (walk.Problem is not null) Warnings.Add($"task list: {walk.Problem}");
            return walk.Items;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            Warnings.Add($"task list unreadable: {KernelDataErrors.Reason(e)}");
            return [];
        }
    }
}
