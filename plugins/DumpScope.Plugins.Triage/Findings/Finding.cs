namespace DumpScope.Plugins.Triage.Findings;

/// <summary>One thing triage found: how bad, what, the evidence behind it, and where to look further.</summary>
/// <param name="Severity">How bad it is.</param>
/// <param name="Kind">A stable snake_case name of what it is ("crash", "hung_tasks", "oom_kill"); see docs/triage-schema.md.</param>
/// <param name="Source">Where it came from ("log", "tasks", "tainted_mask", "vm_stat"…).</param>
/// <param name="Title">One line saying what was found.</param>
public sealed record Finding(Severity Severity, string Kind, string Source, string Title)
{
    /// <summary>The evidence: log lines, the task, its frames, numbers with their source.</summary>
    public List<string> Evidence { get; } = [];

    /// <summary>Where to look further (the detail command: bt of the task, log, kmem -s CACHE…).</summary>
    public List<NavigationTarget> Targets { get; } = [];

    /// <summary>Adds evidence lines and returns the finding.</summary>
    public Finding With(params string[] evidence)
    {
        Evidence.AddRange(evidence);
        return this;
    }

    /// <summary>Adds a target and returns the finding.</summary>
    public Finding Leads(string label, string command)
    {
        Targets.Add(new NavigationTarget(label, command));
        return this;
    }

    /// <summary>Adds a typed target and returns the finding.</summary>
    public Finding Leads(string label, TargetSubject subject)
    {
        Targets.Add(new NavigationTarget(label, subject));
        return this;
    }
}
