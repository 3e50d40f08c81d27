namespace DumpScope.Cli.Tests;

/// <summary>The progress line of long commands on a terminal's stderr (drawn by a timer, erased before the output).</summary>
public class TerminalProgressTests
{
    [Fact]
    public void The_line_says_what_the_command_reported_or_that_it_runs_and_how_to_stop_it()
    {
        using var progress = new TerminalProgress(new StringWriter(), () => 200);
        progress.Line().Should().BeNull("no command runs");
        progress.Begin("kmem -s");
        progress.Line().Should().StartWith("kmem -s: running, ").And.EndWith(" s (Ctrl-C stops)");
        progress.Report(new CommandProgress(25, 100, "reading tasks"));
        progress.Line().Should().StartWith("kmem -s: reading tasks 25%, ");
        progress.Report(new CommandProgress(12345, 0, "slabs"));
        progress.Line().Should().StartWith("kmem -s: slabs 12,345, ");
        progress.End();
        progress.Line().Should().BeNull();
    }

    [Fact]
    public void A_long_line_is_cut_to_the_terminal()
    {
        using var progress = new TerminalProgress(new StringWriter(), () => 40);
        progress.Begin("kmem -S " + new string('x', 100));
        progress.Line()!.Length.Should().BeLessThan(40);
        progress.Line().Should().EndWith("…");
    }

    [Fact]
    public void A_command_over_a_second_gets_the_line_drawn_and_erased_when_it_ends()
    {
        var stderr = new StringWriter();
        using var progress = new TerminalProgress(TextWriter.Synchronized(stderr), () => 120);
        progress.Begin("ps");
        // The timer draws it after TerminalProgress.Delay; wait for it without asserting how long it took.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!stderr.ToString().Contains("(Ctrl-C stops)", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(50);
        stderr.ToString().Should().Contain("ps: running, ").And.Contain("(Ctrl-C stops)");
        progress.End();
        stderr.ToString().Should().EndWith("\r\x1b[K", "the line is erased before the command's output");

        var quick = new StringWriter();
        using var fast = new TerminalProgress(quick);
        fast.Begin("sys");
        fast.End();
        quick.ToString().Should().BeEmpty("a command done within the first second shows no line");
    }
}
