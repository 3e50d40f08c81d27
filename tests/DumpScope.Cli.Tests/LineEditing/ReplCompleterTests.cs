using DumpScope.Cli.LineEditing;
using DumpScope.Host.Session;

namespace DumpScope.Cli.Tests.LineEditing;

/// <summary>Tab completion against the bundled real dump (always in the checkout): verbs, options, symbols, types, members.</summary>
public sealed class ReplCompleterTests : IDisposable
{
    private readonly DumpScopeSession _session = DumpScopeSession.Create(new SessionOptions { DumpPath = SampleDump.Find() ?? throw new InvalidOperationException("no bundled sample dump") });
    private readonly ReplCompleter _completer;

    public ReplCompleterTests()
    {
        var kernel = (IKernel)_session.Services.GetService(typeof(IKernel))!;
        _completer = new ReplCompleter(_session.Registry, () => kernel.Symbols, () => kernel.Types);
    }

    public void Dispose() => _session.Dispose();

    private IReadOnlyList<string> Candidates(string line) => _completer.Complete(line, line.Length).Candidates;

    [Fact]
    public void The_first_word_completes_to_command_verbs_aliases_and_quit()
    {
        Candidates("pst").Should().Equal("pstree");
        Candidates("s").Should().Contain(["struct", "sym", "sys"]);
        Candidates("q").Should().Contain("quit");
        Candidates("pri").Should().Equal("print");
    }

    [Fact]
    public void A_dash_completes_to_the_options_and_selectors_of_that_verbs_commands()
    {
        Candidates("kmem -").Should().Contain(["-s", "-S", "-i", "-p", "--pfn"]);
        Candidates("log -").Should().Contain("-n");
        Candidates("ps --t").Should().Equal("--tree");
    }

    [Fact]
    public void Other_words_complete_to_kernel_symbols_by_prefix()
    {
        Candidates("sym linux_ban").Should().Contain("linux_banner");
        Candidates("rd init_ta").Should().Contain("init_task");
        Candidates("sym ").Should().BeEmpty("an empty word does not list 87000 symbols");
    }

    [Fact]
    public void After_struct_types_and_their_members_complete()
    {
        Candidates("struct task_stru").Should().Contain("task_struct").And.NotContain(c => c.StartsWith("struct "));
        var completion = _completer.Complete("struct task_struct.com", "struct task_struct.com".Length);
        completion.Start.Should().Be("struct task_struct.".Length, "only the member after the dot is replaced");
        completion.Candidates.Should().Contain("comm");
        Candidates("struct task_struct.se.").Should().Contain("vruntime", "members of a nested struct member");
        Candidates("struct task_struct.s").Should().Contain("se.", "a struct member ends with a dot to go on");
        Candidates("struct list_head.ne").Should().Equal("next");
    }
}
