using System.Text.RegularExpressions;
using ScottPlot;

namespace DumpScope.Host.Rendering;

/// <summary>
/// Draws a <see cref="ChartBlock"/> with ScottPlot 5 as SVG for inlining in a page: bars horizontal (cache and task
/// names are long: they read best down the left axis), stacked bars as parts of each label's total, pies with their
/// labels. Sizes are drawn in KiB, MiB or GiB, whichever keeps the largest value readable.
/// </summary>
public static partial class HtmlCharts
{
    /// <summary>Width of every chart in pixels.</summary>
    public const int Width = 760;

    // Category10: distinct, legible on white, and the page's legend swatches use the same colors.
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The color of series (or pie slice) <paramref name="index"/>, as CSS.</summary>
    public static string Color(int index) => Palette[index % Palette.Length];

    /// <summary>The chart as an &lt;svg&gt; element whose ids are prefixed with <paramref name="idPrefix"/> (several charts share a page).</summary>
    public static string Svg(ChartBlock chart, string idPrefix)
    {
        var plot = new Plot();
        // The page's own face is sans-serif; ScottPlot's default would draw the labels in a serif one.
        plot.Font.Set("DejaVu Sans");
        int height;
        if (chart.Kind == ChartKind.Pie)
        {
            var pie = plot.Add.Pie(chart.Series[0].Values.Select(v => Math.Max(0, v)).ToArray());
            for (int i = 0; i < pie.Slices.Count && i < chart.Labels.Count; i++)
            {
                pie.Slices[i].FillColor = ScottPlot.Color.FromHex(Color(i));
                pie.Slices[i].Label = chart.Labels[i];
            }
            plot.Axes.Frameless();
            plot.HideGrid();
            height = 420;
        }
        else
        {
            var (scale, unit) = Scale(chart);
            int n = chart.Labels.Count, k = chart.Series.Count;
            bool stacked = chart.Kind == ChartKind.StackedBar;
            var bars = new List<Bar>();
            var bases = new double[n];
            for (int s = 0; s < k; s++)
            {
                for (int i = 0; i < n; i++)
                {
                    double value = chart.Series[s].Values[i] / scale;
                    // Labels run top to bottom, as in the table: the first label gets the highest position.
                    double position = n - 1 - i;
                    var bar = new Bar { FillColor = ScottPlot.Color.FromHex(Color(s)), Size = 0.8 };
                    if (stacked)
                    {
                        bar.Position = position;
                        bar.ValueBase = bases[i];
                        bar.Value = bases[i] + value;
                        bases[i] += value;
                    }
                    else
                    {
                        bar.Size = 0.8 / k;
                        bar.Position = position + 0.4 - 0.8 / k * (s + 0.5);
                        bar.Value = value;
                    }
                    bars.Add(bar);
                }
            }
            var plotted = plot.Add.Bars(bars);
            plotted.Horizontal = true;
            plot.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), chart.Labels.ToArray());
            plot.Axes.Margins(left: 0);
            if (unit.Length > 0) plot.XLabel(unit);
            height = Math.Clamp(90 + 26 * n, 180, 900);
        }
        var svg = plot.GetSvgXml(Width, height);
        return Scoped(svg, idPrefix);
    }

    /// <summary>The divisor and axis unit for the chart's values (bytes → KiB/MiB/GiB; counts as they are).</summary>
    private static (double Scale, string Unit) Scale(ChartBlock chart)
    {
        if (chart.ValueKind != CellKind.Size) return (1, chart.Series.Count == 1 ? chart.Series[0].Name : "");
        double max = chart.Series.SelectMany(s => s.Values).Select(Math.Abs).DefaultIfEmpty(0).Max();
        return max >= 1 << 30 ? (1 << 30, "GiB") : max >= 1 << 20 ? (1 << 20, "MiB") : max >= 1 << 10 ? (1 << 10, "KiB") : (1, "bytes");
    }

    /// <summary>The SVG without its XML declaration, every id (and reference to one) prefixed so that charts do not clip each other.</summary>
    internal static string Scoped(string svg, string prefix)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start > 0) svg = svg[start..];
        svg = IdAttribute().Replace(svg, m => $"id=\"{prefix}-{m.Groups[1].Value}\"");
        svg = UrlReference().Replace(svg, m => $"url(#{prefix}-{m.Groups[1].Value})");
        svg = HrefReference().Replace(svg, m => $"href=\"#{prefix}-{m.Groups[1].Value}\"");
        return svg.Replace("<svg ", "<svg role=\"img\" ", StringComparison.Ordinal);
    }

    [GeneratedRegex("id=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlReference();

    [GeneratedRegex("href=\"#([^\"]+)\"")]
    private static partial Regex HrefReference();
}
