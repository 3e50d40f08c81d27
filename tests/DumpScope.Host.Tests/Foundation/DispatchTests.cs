using DumpScope.Host.Commands;

namespace DumpScope.Host.Tests.Foundation;

public class DispatchTests
{
    [Fact]
    public void Options_and_arguments_bind_with_injected_services()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        var result = session.Run("echo -u --times 2 -a 0xffff888000001000 one 'two words'");
        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().Single();
        table.Rows.Select(r => r.Cells[0].Value).Should().Equal("ONE", "TWO WORDS", "ONE", "TWO WORDS");
        table.Rows[0].Cells[2].Value.Should().Be(0xffff888000001000UL);
        table.Rows[0].Targets.Single().Command.Should().Be("echo one");
        result.Blocks.OfType<TextBlock>().Single().Lines.Should().Equal("hello");
    }

    [Fact]
    public void Aliases_and_qualified_names_reach_the_command()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        session.Run("say a").Failed.Should().BeFalse();
        session.Run("echo:echo a").Failed.Should().BeFalse();
    }

    [Fact]
    public void Selector_flags_choose_among_commands_sharing_a_verb()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        Text(session.Run("multi -x")).Should().Be("x");
        Text(session.Run("multi foo")).Should().Be("default foo");
    }

    [Fact]
    public void An_unknown_command_suggests_close_names()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        session.Run("ehco x").Error.Should().Contain("did you mean: echo");
    }

    [Fact]
    public void Usage_errors_name_the_problem_and_show_usage()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        session.Run("echo").Error.Should().Contain("missing WORD").And.Contain("usage: echo");
        session.Run("echo --bogus x").Error.Should().Contain("unknown option '--bogus'");
        session.Run("echo -n many x").Error.Should().Contain("'many' is not a whole number").And.NotContain("int32");
        session.Run("echo 'unclosed").Error.Should().Contain("unclosed");
    }

    [Fact]
    public void A_command_needing_a_dump_says_no_dump_is_open()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        session.Run("needsdump").Error.Should().Be("needsdump: no dump is open");
    }

    [Fact]
    public void A_throwing_command_becomes_an_error_result_and_the_session_goes_on()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        session.Run("crashme").Error.Should().Contain("internal error (a bug)").And.Contain("plugin bug");
        session.Run("echo still-alive").Failed.Should().BeFalse();
    }

    [Fact]
    public void Two_plugins_declaring_one_verb_keep_both_under_qualified_names()
    {
        using var session = TestSessions.Create(plugins: ["echo", "clash"]);
        session.Notes.Should().Contain(n => n.Contains("'echo' is declared by plugins 'echo' and 'clash'"));
        Text(session.Run("clash:echo")).Should().Be("clash echo");
        session.Run("echo a").Blocks.OfType<TableBlock>().Should().ContainSingle("the first loaded keeps the plain name");
    }

    [Fact]
    public void Help_lists_commands_and_explains_one()
    {
        using var session = TestSessions.Create(plugins: ["echo"]);
        var all = session.Run("help");
        all.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Contain(["echo", "help", "plugins", "multi -x"]);
        var one = session.Run("help echo");
        one.Blocks.OfType<TextBlock>().Single().Lines.Should().Contain(l => l.Contains("--upper"));
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("kmem -S 'kmalloc 64'", new[] { "kmem", "-S", "kmalloc 64" })]
    [InlineData("x \"a\\\"b\"", new[] { "x", "a\"b" })]
    [InlineData("", new string[0])]
    // Plain lines take a shortcut (split at spaces); tabs, backslashes and non-ASCII take the long way: the same words.
    [InlineData("  task   ffff888003a2c000 ", new[] { "task", "ffff888003a2c000" })]
    [InlineData("struct task_struct ffff888003a2c000", new[] { "struct", "task_struct", "ffff888003a2c000" })]
    [InlineData("ps\t-k", new[] { "ps", "-k" })]
    [InlineData("a\\ b c", new[] { "a b", "c" })]
    [InlineData("rd é", new[] { "rd", "é" })]
    [InlineData("   ", new string[0])]
    public void The_splitter_handles_quotes(string line, string[] words) => CommandLineSplitter.Split(line).Should().Equal(words);

    private static string Text(CommandResult result) => string.Join("\n", result.Blocks.OfType<TextBlock>().SelectMany(b => b.Lines));
}
