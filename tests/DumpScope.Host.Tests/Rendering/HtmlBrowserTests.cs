using DumpScope.Host.Rendering;
using DumpScope.Testing.Browsers;

namespace DumpScope.Host.Tests.Rendering;

/// <summary>The HTML output in a real browser: it loads without errors and its charts are drawn.</summary>
public sealed class HtmlBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dumpscope-html-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string html)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, html);
        return path;
    }

    [SkippableFact]
    public void The_page_loads_with_every_block_and_no_console_error()
    {
        var page = Write("every-block.html", HtmlRenderer.Page([("kmem -s <x>", SampleResults.EveryBlock()), ("ps", CommandResult.Fail("ps: failed"))], "/dumps/vmcore"));

        var (exit, dom, log) = HeadlessChromium.Run(page, "--dump-dom");

        exit.Should().Be(0, log);
        dom.Should().Contain("<section class=\"command\" id=\"command-1\">").And.Contain("<section class=\"command failed\" id=\"command-2\">");
        dom.Should().Contain("<dl class=\"record\">").And.Contain("<caption>caches &amp; co</caption>").And.Contain("<pre class=\"text\">");
        System.Text.RegularExpressions.Regex.Matches(dom, "<svg ").Count.Should().Be(3);
        dom.Should().Contain("kmalloc-&lt;64&gt;", "escaped text stays text in the parsed page");
        log.Should().NotContainAny(["CONSOLE", "Uncaught", "Failed to load resource", "ERR_FILE_NOT_FOUND"]);
    }

    [SkippableFact]
    public void The_charts_are_drawn_in_the_screenshot()
    {
        var chart = new ChartBlock(ChartKind.Bar, ["shmem_inode_cache", "dentry", "filp"], new ChartSeries("bytes growth", [81_920_000, 9_805_824, 262_144]))
        {
            Title = "top slab growers by bytes", ValueKind = CellKind.Size, LabelName = "cache",
        };
        var result = new CommandResult { Blocks = { chart } };
        var page = Write("chart.html", HtmlRenderer.Page([("diff b", result)]));
        var shot = Path.Combine(_dir.FullName, "chart.png");

        var (exit, _, log) = HeadlessChromium.Run(page, $"--screenshot={shot}", "--window-size=900,700");

        exit.Should().Be(0, log);
        File.Exists(shot).Should().BeTrue(log);
        int bar = HeadlessChromium.CountPixels(shot, c => HeadlessChromium.Near(c, 0x1f77b4));
        int inked = HeadlessChromium.CountPixels(shot, c => c.Red < 200 || c.Green < 200 || c.Blue < 200);
        // The longest bar spans most of the plot's width (about 600 px) and a bar's height (about 30 px).
        bar.Should().BeGreaterThan(5000, "the bars are drawn in the first series' color");
        inked.Should().BeGreaterThan(bar, "axes, labels and the table of numbers are drawn too");
    }
}
