using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Rendering;

public sealed class HtmlRendererTests
{
    private static string Page(CommandResult result, string command = "kmem -s <x> & y") => HtmlRenderer.Page([(command, result)], "/dumps/vmcore<1>");

    [Fact]
    public void Text_is_escaped_everywhere_it_appears()
    {
        var html = Page(SampleResults.EveryBlock());

        html.Should().Contain("<code>kmem -s &lt;x&gt; &amp; y</code>");
        html.Should().Contain("<title>DumpScope: /dumps/vmcore&lt;1&gt;</title>");
        html.Should().Contain("6.1.0 &lt;b&gt;&amp;amp;");
        html.Should().Contain("kmalloc-&lt;64&gt;");
        html.Should().Contain("title=\"page excluded: &quot;quoted&quot;\"");
        html.Should().Contain("slab list cut: cycle at &lt;ffff8880&gt;");
        html.Should().Contain("line &lt;1&gt; &amp; &quot;two&quot;");
        html.Should().Contain("warning: walk stopped &lt;early&gt; &amp; late");
        html.Should().Contain("filp &amp; &lt;x&gt;");
        html.Should().NotContain("<b>").And.NotContain("<64>").And.NotContain("<early>");
    }

    [Fact]
    public void Every_block_kind_has_its_element()
    {
        var html = Page(SampleResults.EveryBlock());

        html.Should().StartWith("<!DOCTYPE html>");
        html.Should().Contain("<dl class=\"record\">").And.Contain("<dt>RELEASE</dt>");
        html.Should().Contain("<caption>caches &amp; co</caption>").And.Contain("<th class=\"num\">SIZE</th>").And.Contain("<td class=\"num\">4k</td>");
        html.Should().Contain("<td class=\"num absent\" title=").And.Contain("&lt;unreadable&gt;");
        html.Should().Contain("<tr class=\"problem\"><td colspan=\"3\">");
        html.Should().Contain("<pre class=\"text\">");
        System.Text.RegularExpressions.Regex.Matches(html, "<figure class=\"chart\"").Count.Should().Be(3);
        System.Text.RegularExpressions.Regex.Matches(html, "<svg ").Count.Should().Be(3, "every chart is drawn inline");
        html.Should().Contain("<figcaption>top growers</figcaption>");
        html.Should().Contain("<ul class=\"legend\">", "pies and multi-series charts name their colors");
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        var html = Page(SampleResults.EveryBlock());

        html.Should().NotContain("<script").And.NotContain("<link").And.NotContain("src=").And.NotContain("http://www.w3.org/1999/xhtml\"");
        System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"(?!#)").Count.Should().Be(0, "no reference leaves the page");
        html.Should().NotContain("<?xml", "the SVG's XML declaration is dropped when inlined");
    }

    [Fact]
    public void Chart_ids_are_unique_within_a_page()
    {
        var html = Page(SampleResults.EveryBlock());

        var ids = System.Text.RegularExpressions.Regex.Matches(html, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        ids.Should().OnlyHaveUniqueItems();
        foreach (System.Text.RegularExpressions.Match reference in System.Text.RegularExpressions.Regex.Matches(html, @"url\(#([^)]+)\)"))
            ids.Should().Contain(reference.Groups[1].Value);
    }

    [Fact]
    public void A_bar_chart_draws_one_bar_per_label_in_the_first_series_color()
    {
        var chart = new ChartBlock(ChartKind.Bar, ["a", "b", "c", "d"], new ChartSeries("n", [4, 3, 2, 1]));
        var svg = HtmlCharts.Svg(chart, "t");
        System.Text.RegularExpressions.Regex.Matches(svg, "fill=\"#1F77B4\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count.Should().Be(4);
        svg.Should().MatchRegex(@">\s*a\s*</text>").And.MatchRegex(@">\s*d\s*</text>", "the labels are on the axis");
    }

    [Fact]
    public void A_failed_command_shows_its_error_and_several_commands_each_get_a_section()
    {
        var html = HtmlRenderer.Page([("ps", SampleResults.EveryBlock()), ("kmem -s nope", CommandResult.Fail("kmem -s: no cache named <nope>"))]);
        html.Should().Contain("id=\"command-1\"").And.Contain("id=\"command-2\"");
        html.Should().Contain("<section class=\"command failed\" id=\"command-2\">");
        html.Should().Contain("<p class=\"error\">error: kmem -s: no cache named &lt;nope&gt;</p>");
    }

    [Fact]
    public void The_renderer_collects_commands_and_writes_one_page()
    {
        var renderer = OutputFormats.Renderer(OutputFormats.Parse("html")!.Value);
        renderer.Write("sys", CommandResult.FromText("a"), TextWriter.Null, TextWriter.Null);
        renderer.Write("ps", CommandResult.FromText("b"), TextWriter.Null, TextWriter.Null);
        var output = new StringWriter();
        ((IDocumentRenderer)renderer).Complete(output);
        System.Text.RegularExpressions.Regex.Matches(output.ToString(), "<!DOCTYPE html>").Count.Should().Be(1);
        output.ToString().Should().Contain("<code>sys</code>").And.Contain("<code>ps</code>");
    }
}
