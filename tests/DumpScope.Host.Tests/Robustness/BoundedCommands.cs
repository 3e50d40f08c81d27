using DumpScope.Host.Tests.Types;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>Runs commands under a watchdog: each must return within a bound and never leak an exception.</summary>
internal static class BoundedCommands
{
    /// <summary>The commands every corrupted-dump case runs.</summary>
    public static readonly string[] Standard = ["dumpinfo", "kmem -s", "ps", "log", "sys"];

    /// <summary>Cancellation is requested after this long; the command must then return promptly.</summary>
    public static readonly TimeSpan CancelAfter = TimeSpan.FromSeconds(90);

    /// <summary>A command still running after this long is a hang.</summary>
    public static readonly TimeSpan HardBound = TimeSpan.FromSeconds(150);

    /// <summary>Runs <paramref name="command"/>; fails the test on a hang or an internal error; returns the text.</summary>
    public static string Run(DumpScopeSession session, string command, ITestOutputHelper? output = null)
    {
        using var cancel = new CancellationTokenSource(CancelAfter);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var task = Task.Run(() => session.Run(command, cancel.Token));
        task.Wait(HardBound).Should().BeTrue($"'{command}' must end within {HardBound.TotalSeconds} s (cancelled at {CancelAfter.TotalSeconds} s)");
        var text = ResultText.Render(task.Result);
        text.Should().NotContain("internal error (a bug)", $"'{command}' must report bad data as data, not crash");
        output?.WriteLine($"--- {command} ({clock.Elapsed.TotalSeconds:0.0} s, {(task.Result.Failed ? "failed" : "ok")}) ---\n{Head(text)}");
        return text;
    }

    private static string Head(string text)
    {
        var lines = text.Split('\n');
        return lines.Length <= 14 ? text : string.Join('\n', lines.Take(10).Append($"... ({lines.Length - 12} more lines)").Concat(lines.TakeLast(2)));
    }
}
