using System.Diagnostics;
using System.Reflection;

namespace DumpScope.Tui.Tests;

/// <summary>Runs tmux-smoke.sh against the SmokeApp on a real (tmux) terminal: startup, drill-down, back, cancel, quit with exit code 0.</summary>
public sealed class TmuxSmokeTests
{
    [SkippableFact]
    public void RealTerminal_DrillDownBackCancelAndQuit()
    {
        Skip.IfNot(OnPath("tmux"), "tmux is not installed");
        var app = Metadata("SmokeApp");
        var script = Metadata("SmokeScript");
        Skip.IfNot(File.Exists(app), $"smoke app not built: {app}");

        string[] arguments =
        [
            script, "-w", "60",
            "-e", "Commands", "-e", "RELEASE: 6.1.0-28-amd64",
            "-k", "F9", "-t", "kmem -s", "-k", "Enter", "-e", "kmalloc-64", "-e", "ffff8880010c1a00",
            "-k", "Enter", "-e", "kmem -s › kmem -S kmalloc-64",
            "-k", "BSpace", "-e", "kmalloc-192",
            "-k", "F9", "-t", "hang", "-k", "Enter", "-e", "running hang", "-k", "Escape", "-e", "cancelled: hang",
            "--", "dotnet", app,
        ];
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(3)).Should().BeTrue("the smoke script finishes");
        var output = stdout.Result + stderr.Result;
        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("8 checks passed, exit code 0");
    }

    private static string Metadata(string key) =>
        typeof(TmuxSmokeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));
}
