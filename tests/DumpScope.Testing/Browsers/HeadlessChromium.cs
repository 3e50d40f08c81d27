using System.Diagnostics;
using SkiaSharp;

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

    /// <summary>Pixels of a screenshot (PNG) that <paramref name="matches"/> accepts.</summary>
    public static int CountPixels(string png, Func<SKColor, bool> matches)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException($"{png} is not an image");
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (matches(bitmap.GetPixel(x, y))) count++;
        return count;
    }

    /// <summary>True for a pixel within <paramref name="tolerance"/> of the colour 0xRRGGBB (a chart series' colour).</summary>
    public static bool Near(SKColor c, uint rgb, int tolerance = 24) =>
        Math.Abs(c.Red - (int)(rgb >> 16 & 0xff)) < tolerance && Math.Abs(c.Green - (int)(rgb >> 8 & 0xff)) < tolerance && Math.Abs(c.Blue - (int)(rgb & 0xff)) < tolerance;
}
