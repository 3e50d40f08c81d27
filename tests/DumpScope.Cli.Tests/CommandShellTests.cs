namespace DumpScope.Cli.Tests;

public class CommandShellTests
{
    [Theory]
    [InlineData("ps | grep sh", "ps", RedirectKind.Pipe, "grep sh")]
    [InlineData("log > out.txt", "log", RedirectKind.Write, "out.txt")]
    [InlineData("log >> 'my log.txt'", "log", RedirectKind.Append, "my log.txt")]
    [InlineData("search -c \"a|b\" | wc -l", "search -c \"a|b\"", RedirectKind.Pipe, "wc -l")]
    [InlineData("search -c 'x > y'", "search -c 'x > y'", RedirectKind.None, "")]
    [InlineData(@"sym a\|b", @"sym a\|b", RedirectKind.None, "")]
    [InlineData("ps | grep '>' > f", "ps", RedirectKind.Pipe, "grep '>' > f")]
    public void Pipes_and_redirections_are_found_outside_quotes(string line, string command, RedirectKind kind, string target)
    {
        var parsed = OutputRedirect.Parse(line);
        parsed.Should().Be(new OutputRedirect(command, kind, target));
    }

    [Theory]
    [InlineData("ps |", "'|' needs a shell command after it")]
    [InlineData("ps >", "'>' needs a file name after it")]
    [InlineData("| grep x", "'|' needs a command before it")]
    public void A_redirection_without_its_other_side_is_a_usage_error(string line, string message)
    {
        var act = () => OutputRedirect.Parse(line);
        act.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void Scripts_pipe_to_the_shell_write_files_and_expand_aliases()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dumpscope-shell-{Guid.NewGuid():N}.txt");
        try
        {
            var script = string.Join('\n',
                "help | grep -c struct",
                $"help > {file}",
                $"help >> \"{file}\"",
                "alias h help",
                "h | head -1",
                "alias",
                "repeat -2 alias h");
            var (exit, output, error) = CliRun.RunWithInput(script);
            exit.Should().Be(Program.Ok, error);
            // Scripts echo each command ("dumpscope> help | …") before its output.
            var lines = output.Split('\n').Where(l => !l.StartsWith("dumpscope> ", StringComparison.Ordinal)).ToArray();
            int.Parse(lines[0].Trim(), CultureInfo.InvariantCulture).Should().BeGreaterThan(0, "grep counted the help lines naming struct");
            var written = File.ReadAllText(file);
            (written.Length - written.Replace("Show a struct/union layout", "", StringComparison.Ordinal).Length).Should().Be(2 * "Show a struct/union layout".Length, "> wrote help, >> appended it again");
            output.Should().NotContain("Show a struct/union layout", "help went to the file, not the terminal");
            lines.Count(l => l.StartsWith("h            help", StringComparison.Ordinal)).Should().Be(3, "alias listed it once, repeat -2 twice");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_failing_pipeline_or_repeat_without_a_count_fails_the_script()
    {
        CliRun.RunWithInput("help | false").Exit.Should().Be(Program.Failed);
        var (exit, _, error) = CliRun.RunWithInput("repeat help");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("repeat: give a count");
    }
}
