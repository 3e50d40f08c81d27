using System.Diagnostics;
using System.Reflection;

namespace DumpScope.Tui.Tests;

/// <summary>
/// Runs tmux-smoke.sh against the SmokeApp on a real (tmux) terminal at 80x24 and 200x50: whole screens compared to
/// the expected ones in screens/ (startup, slab table, drill-down, struct view), back, cancel, quit with exit code 0.
/// </summary>
public sealed class TmuxSmokeTests
{
    [SkippableFact]
    public void RealTerminal_80x24_ScreensMatch_DrillDownBackCancelAndQuit()
    {
        var output = RunSmoke(
        [
            "-s", "80x24",
            "-m", Screen("sample-80x24-start.txt"),
            "-k", "F9", "-t", "kmem -s", "-k", "Enter", "-m", Screen("sample-80x24-kmem-s.txt"),
            "-k", "Enter", "-m", Screen("sample-80x24-kmem-S.txt"),
            "-k", "F9", "-t", "struct task_struct ffff888003a1e000", "-k", "Enter", "-e", "9 members",
            "-k", "Space", "-m", Screen("sample-80x24-struct.txt"),
            "-k", "BSpace", "-e", "kmem -S kmalloc-64: 2 rows", "-k", "BSpace", "-e", "kmalloc-192",
            "-k", "F9", "-t", "hang", "-k", "Enter", "-e", "running hang", "-k", "Escape", "-e", "cancelled: hang",
        ]);
        output.Should().Contain("9 checks passed, exit code 0");
    }

    [SkippableFact]
    public void RealTerminal_200x50_ScreensMatch()
    {
        var output = RunSmoke(
        [
            "-s", "200x50",
            "-e", "Commands",
            "-k", "F9", "-t", "kmem -s", "-k", "Enter", "-m", Screen("sample-200x50-kmem-s.txt"),
            "-k", "Enter", "-e", "kmem -S kmalloc-64: 2 rows",
            "-k", "F9", "-t", "struct task_struct ffff888003a1e000", "-k", "Enter", "-e", "9 members",
            "-k", "Space", "-m", Screen("sample-200x50-struct.txt"),
        ]);
        output.Should().Contain("5 checks passed, exit code 0");
    }

    private static string RunSmoke(IReadOnlyList<string> steps)
    {
        Skip.IfNot(OnPath("tmux"), "tmux is not installed");
        var app = Metadata("SmokeApp");
        Skip.IfNot(File.Exists(app), $"smoke app not built: {app}");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Metadata("SmokeScript"));
        start.ArgumentList.Add("-w");
        start.ArgumentList.Add("60");
        foreach (var step in steps)
            start.ArgumentList.Add(step);
        start.ArgumentList.Add("--");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(app);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(5)).Should().BeTrue("the smoke script finishes");
        var output = stdout.Result + stderr.Result;
        process.ExitCode.Should().Be(0, output);
        return output;
    }

    private static string Screen(string name) => Path.Combine(Path.GetDirectoryName(Metadata("SmokeScript"))!, "screens", name);

    private static string Metadata(string key) =>
        typeof(TmuxSmokeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));
}
