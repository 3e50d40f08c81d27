using System.Text.Json;
using System.Text.RegularExpressions;
using DumpScope.Host.Rendering;
using DumpScope.Testing.Browsers;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// The triage page's charts (memory breakdown, top slab caches, task states): drawn in the HTML report, left out of
/// text and JSON so that the one-page answer stays one page and the JSON layout of docs/triage-schema.md stays as it is.
/// </summary>
[Collection("triage dumps")]
public sealed class TriageChartTests(TriageSessions dumps) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dumpscope-triage-html-");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableFact]
    public void Kd3s_charts_picture_the_summary_and_only_html_shows_them()
    {
        var result = dumps.Session("kd3/vmcore.kdump-zlib-d31").Run("triage");
        var triage = new TriageView(result);
        var charts = result.Blocks.OfType<ChartBlock>().ToList();

        charts.Select(c => c.Title).Should().Equal("task states", "memory", "top 10 slab caches by memory");
        charts.Should().OnlyContain(c => c.OnlyWhereDrawn);
        var memory = charts[1];
        memory.Kind.Should().Be(ChartKind.Pie);
        memory.Series[0].Values.Sum().Should().Be(Convert.ToDouble(triage["memory"]), "free, slab and the rest make up RAM");
        memory.Series[0].Values[0].Should().Be(Convert.ToDouble(triage["free"]));
        var states = charts[0];
        states.Labels.Should().Contain("D (disk sleep)");
        states.Series[0].Values[states.Labels.ToList().IndexOf("D (disk sleep)")].Should().Be(Convert.ToDouble(triage["d_state_tasks"]));
        ((string)triage["task_states"]!).Should().Contain("D 1");

        var text = TextRenderer.Render(result);
        text.Should().NotContain("task states").And.NotContain("PART");
        using var json = JsonDocument.Parse(RenderJson(result));
        json.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()).Should().Equal("table", "record");
        Regex.Matches(HtmlRenderer.Page([("triage", result)]), "<svg ").Count.Should().Be(3);
    }

    [SkippableFact]
    public void The_triage_report_loads_in_a_browser_and_its_charts_are_drawn()
    {
        var result = dumps.Session("kd1/vmcore.kdump-zlib-d31").Run("triage");
        var page = Path.Combine(_dir.FullName, "triage.html");
        File.WriteAllText(page, HtmlRenderer.Page([("triage", result)], "kd1"));

        var (exit, dom, log) = HeadlessChromium.Run(page, "--dump-dom");

        exit.Should().Be(0, log);
        dom.Should().Contain("<caption>findings</caption>");
        Regex.Matches(dom, "<svg ").Count.Should().Be(3);
        // A drawn chart has marks: ScottPlot draws bars and slices as filled paths or rectangles.
        foreach (Match svg in Regex.Matches(dom, "<svg .*?</svg>", RegexOptions.Singleline))
            Regex.Matches(svg.Value, "<(path|rect|polygon) ").Count.Should().BeGreaterThan(3, "each chart draws its marks");
        log.Should().NotContainAny(["Uncaught", "Failed to load resource", "ERR_FILE_NOT_FOUND"]);
    }

    private static string RenderJson(CommandResult result)
    {
        using var output = new StringWriter();
        new JsonRenderer().Write("triage", result, output, TextWriter.Null);
        return output.ToString();
    }
}
