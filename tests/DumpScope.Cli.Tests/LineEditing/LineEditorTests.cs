using DumpScope.Cli.LineEditing;
using DumpScope.Host.History;

namespace DumpScope.Cli.Tests.LineEditing;

/// <summary>The line editor driven by scripted key sequences, as the console reader feeds it.</summary>
public class LineEditorTests
{
    private static ConsoleKeyInfo Char(char c) => new(c, c is >= 'a' and <= 'z' ? ConsoleKey.A + (c - 'a') : 0, false, false, false);
    private static ConsoleKeyInfo Key(ConsoleKey key) => new(key == ConsoleKey.Enter ? '\r' : key == ConsoleKey.Tab ? '\t' : '\0', key, false, false, false);
    private static ConsoleKeyInfo Ctrl(char letter) => new((char)(letter - 'a' + 1), ConsoleKey.A + (letter - 'a'), false, false, true);

    /// <summary>Types the text, then the keys; returns the last outcome.</summary>
    private static EditOutcome Type(LineEditor editor, string text, params ConsoleKeyInfo[] keys)
    {
        var outcome = EditOutcome.Continue;
        foreach (var c in text) outcome = editor.Handle(Char(c));
        foreach (var k in keys) outcome = editor.Handle(k);
        return outcome;
    }

    private static CommandHistory HistoryOf(params string[] lines)
    {
        var history = CommandHistory.InMemory();
        foreach (var l in lines) history.Add(l);
        return history;
    }

    [Fact]
    public void Typing_moving_and_deleting_edit_at_the_cursor()
    {
        var editor = new LineEditor(HistoryOf());
        editor.Begin();
        Type(editor, "kmm -s", Key(ConsoleKey.Home), Key(ConsoleKey.RightArrow), Key(ConsoleKey.RightArrow)).Should().Be(EditOutcome.Continue);
        Type(editor, "e");
        editor.Text.Should().Be("kmem -s");
        editor.Cursor.Should().Be(3);
        Type(editor, "", Key(ConsoleKey.End), Key(ConsoleKey.Backspace), Ctrl('w'));
        editor.Text.Should().Be("kmem ");
        Type(editor, "", Ctrl('a'), Key(ConsoleKey.Delete), Ctrl('e'));
        editor.Text.Should().Be("mem ");
        editor.Cursor.Should().Be(4);
        Type(editor, "", Ctrl('a'), Ctrl('k'));
        editor.Text.Should().BeEmpty();
        Type(editor, "ps", Key(ConsoleKey.Enter)).Should().Be(EditOutcome.Accept);
        editor.Text.Should().Be("ps");
    }

    [Fact]
    public void Up_and_Down_recall_the_history_and_return_to_the_draft()
    {
        var editor = new LineEditor(HistoryOf("sys", "ps", "log"));
        editor.Begin();
        Type(editor, "kme", Key(ConsoleKey.UpArrow));
        editor.Text.Should().Be("log");
        Type(editor, "", Key(ConsoleKey.UpArrow), Key(ConsoleKey.UpArrow), Key(ConsoleKey.UpArrow));
        editor.Text.Should().Be("sys", "the walk stops at the oldest line");
        Type(editor, "", Key(ConsoleKey.DownArrow));
        editor.Text.Should().Be("ps");
        Type(editor, "", Key(ConsoleKey.DownArrow), Key(ConsoleKey.DownArrow));
        editor.Text.Should().Be("kme", "below the newest line is what was being typed");
    }

    [Fact]
    public void Ctrl_R_finds_older_matches_and_Enter_accepts_one()
    {
        var editor = new LineEditor(HistoryOf("kmem -s", "ps", "kmem -i", "sys"));
        editor.Begin();
        Type(editor, "", Ctrl('r'));
        editor.Searching.Should().BeTrue();
        Type(editor, "kmem");
        editor.Text.Should().Be("kmem -i");
        editor.Prompt("dumpscope> ").Should().Be("(reverse-i-search)'kmem': ");
        Type(editor, "", Ctrl('r'));
        editor.Text.Should().Be("kmem -s", "Ctrl-R again goes to the next older match");
        Type(editor, "", Ctrl('r'));
        editor.Text.Should().Be("kmem -s", "no older match keeps the last one");
        Type(editor, "", Key(ConsoleKey.Enter)).Should().Be(EditOutcome.Accept);
        editor.Text.Should().Be("kmem -s");
        editor.Searching.Should().BeFalse();
    }

    [Fact]
    public void A_search_without_a_match_says_so_and_Ctrl_G_restores_the_line()
    {
        var editor = new LineEditor(HistoryOf("sys"));
        editor.Begin();
        Type(editor, "ps", Ctrl('r'), Char('z'));
        editor.Prompt("> ").Should().Be("(reverse-i-search: no match)'z': ");
        Type(editor, "", Ctrl('g'));
        editor.Searching.Should().BeFalse();
        editor.Text.Should().Be("ps");
    }

    [Fact]
    public void An_arrow_key_leaves_the_search_keeping_the_match_to_edit()
    {
        var editor = new LineEditor(HistoryOf("rd linux_banner 8"));
        editor.Begin();
        Type(editor, "", Ctrl('r'));
        Type(editor, "banner", Key(ConsoleKey.End));
        editor.Searching.Should().BeFalse();
        Type(editor, "0");
        editor.Text.Should().Be("rd linux_banner 80");
    }

    [Fact]
    public void Tab_completes_one_candidate_extends_a_common_prefix_and_lists_the_rest()
    {
        var editor = new LineEditor(HistoryOf(), (line, cursor) =>
        {
            int start = line.LastIndexOf(' ', Math.Max(0, cursor - 1)) + 1;
            var word = line[start..cursor];
            return new Completion(start, new[] { "pstree", "ps", "page", "plugins" }.Where(w => w.StartsWith(word, StringComparison.Ordinal)).ToArray());
        });
        editor.Begin();
        Type(editor, "pst", Key(ConsoleKey.Tab));
        editor.Text.Should().Be("pstree ");
        editor.Listing.Should().BeNull();
        editor.Begin();
        Type(editor, "pl", Key(ConsoleKey.Tab));
        editor.Text.Should().Be("plugins ");
        editor.Begin();
        Type(editor, "p", Key(ConsoleKey.Tab));
        editor.Text.Should().Be("p", "the candidates share no longer prefix");
        editor.Listing.Should().BeEquivalentTo("pstree", "ps", "page", "plugins");
        Type(editor, "a");
        editor.Listing.Should().BeNull("the listing is shown once");
    }

    [Fact]
    public void Ctrl_D_ends_input_on_an_empty_line_and_Ctrl_C_drops_the_line()
    {
        var editor = new LineEditor(HistoryOf());
        editor.Begin();
        Type(editor, "ps", Ctrl('c')).Should().Be(EditOutcome.Interrupt);
        editor.Begin();
        Type(editor, "ab", Key(ConsoleKey.LeftArrow), Ctrl('d')).Should().Be(EditOutcome.Continue);
        editor.Text.Should().Be("a", "Ctrl-D on a non-empty line deletes under the cursor");
        Type(editor, "", Ctrl('u'), Ctrl('d')).Should().Be(EditOutcome.EndOfInput);
    }
}
