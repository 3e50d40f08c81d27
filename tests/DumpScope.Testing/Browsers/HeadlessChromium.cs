using System.Diagnostics;

namespace DumpScope.Testing.Browsers;

/// <summary>
/// Debian's chromium, run headless on a file (.ci/run installs it). Absent locally, the tests that need it skip;
/// under CI (<c>CI=true</c>) its absence is a failure, so that CI cannot pass without having looked at a page.
/// </summary>
public static class HeadlessChromium
{
    private static readonly Lazy<string?> ExecutableLazy = new(() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists));

    /// <summary>The browser, or a skip (a failure under CI).</summary>
    public static string Require()
    {
        if (ExecutableLazy.Value is { } path) return path;
        if (Fixtures.UnderCi) throw new InvalidOperationException("CI=true but chromium is not installed (.ci/run installs it as root)");
        Xunit.Skip.If(true, "chromium is not installed (apt-get install chromium)");
        return null!;
    }

    /// <summary>Runs the browser on <paramref name="page"/> with <paramref name="arguments"/>; returns its exit code, output and log.</summary>
    public static (int Exit, string Output, string Log) Run(string page, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("dumpscope-chromium-");
        try
        {
            var start = new ProcessStartInfo(Require())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = profile.FullName,
            };
            // Root has no sandbox; a profile of its own so parallel runs do not share one; stderr logging shows console errors.
            foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
                         "--hide-scrollbars", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile.FullName}" })
                start.ArgumentList.Add(a);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            start.ArgumentList.Add(new Uri(page).AbsoluteUri);
            using var process = Process.Start(start)!;
            var log = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 90 s");
            }
            return (process.ExitCode, output.Result, log.Result);
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
