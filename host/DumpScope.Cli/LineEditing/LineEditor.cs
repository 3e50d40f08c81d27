using DumpScope.Host.History;

namespace DumpScope.Cli.LineEditing;

/// <summary>What a key did to the line being edited.</summary>
internal enum EditOutcome
{
    /// <summary>Still editing.</summary>
    Continue,
    /// <summary>Enter: <see cref="LineEditor.Text"/> is the line.</summary>
    Accept,
    /// <summary>Ctrl-D on an empty line: no more input.</summary>
    EndOfInput,
    /// <summary>Ctrl-C: the line is dropped, a fresh prompt follows.</summary>
    Interrupt,
}

/// <summary>
/// The REPL's line editing, without any console: a buffer and a cursor changed by keys, history recall (Up/Down),
/// reverse search (Ctrl-R) and Tab completion. <see cref="ConsoleLineReader"/> feeds it keys and draws
/// <see cref="Prompt"/>, <see cref="Text"/> and <see cref="Cursor"/>; tests feed it scripted keys.
/// </summary>
internal sealed class LineEditor(CommandHistory history, Func<string, int, Completion>? complete = null)
{
    private readonly StringBuilder _buffer = new();
    private string? _query;
    private int _hit = -1;
    private string _beforeSearch = "";

    /// <summary>The line as edited so far.</summary>
    public string Text => _buffer.ToString();

    /// <summary>The cursor's position in <see cref="Text"/>.</summary>
    public int Cursor { get; private set; }

    /// <summary>True while a Ctrl-R search is under way.</summary>
    public bool Searching => _query is not null;

    /// <summary>The prompt to show: the REPL's, or the search's with its query.</summary>
    public string Prompt(string normal) => _query is null ? normal : $"(reverse-i-search{(_hit < 0 && _query.Length > 0 ? ": no match" : "")})'{_query}': ";

    /// <summary>Candidates a Tab could not narrow to one, for the reader to list under the line; then cleared.</summary>
    public IReadOnlyList<string>? Listing { get; private set; }

    /// <summary>Starts a new line.</summary>
    public void Begin()
    {
        SetText("");
        _query = null;
        Listing = null;
        history.ResetWalk();
    }

    /// <summary>Applies one key.</summary>
    public EditOutcome Handle(ConsoleKeyInfo key)
    {
        Listing = null;
        bool control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        if (_query is not null && HandleSearch(key, control) is { } searched) return searched;
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                return EditOutcome.Accept;
            case ConsoleKey.C when control:
                return EditOutcome.Interrupt;
            case ConsoleKey.D when control:
                if (_buffer.Length == 0) return EditOutcome.EndOfInput;
                Delete(Cursor, 1);
                break;
            case ConsoleKey.R when control:
                _query = "";
                _hit = -1;
                _beforeSearch = Text;
                break;
            case ConsoleKey.UpArrow:
            case ConsoleKey.P when control:
                SetText(history.Previous(Text));
                break;
            case ConsoleKey.DownArrow:
            case ConsoleKey.N when control:
                SetText(history.Next());
                break;
            case ConsoleKey.LeftArrow:
            case ConsoleKey.B when control:
                Cursor = Math.Max(0, Cursor - 1);
                break;
            case ConsoleKey.RightArrow:
            case ConsoleKey.F when control:
                Cursor = Math.Min(_buffer.Length, Cursor + 1);
                break;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                Cursor = 0;
                break;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                Cursor = _buffer.Length;
                break;
            case ConsoleKey.Backspace:
                if (Cursor > 0) Delete(Cursor - 1, 1);
                break;
            case ConsoleKey.Delete:
                Delete(Cursor, 1);
                break;
            case ConsoleKey.U when control:
                Delete(0, Cursor);
                break;
            case ConsoleKey.K when control:
                Delete(Cursor, _buffer.Length - Cursor);
                break;
            case ConsoleKey.W when control:
                int start = Cursor;
                while (start > 0 && _buffer[start - 1] == ' ') start--;
                while (start > 0 && _buffer[start - 1] != ' ') start--;
                Delete(start, Cursor - start);
                break;
            case ConsoleKey.Tab:
                Complete();
                break;
            default:
                if (!control && key.KeyChar >= ' ' && key.KeyChar != '\x7f') Insert(key.KeyChar.ToString());
                break;
        }
        return EditOutcome.Continue;
    }

    /// <summary>A key during Ctrl-R: the outcome, or null when the key leaves the search and is then applied as usual.</summary>
    private EditOutcome? HandleSearch(ConsoleKeyInfo key, bool control)
    {
        switch (key.Key)
        {
            case ConsoleKey.R when control:
                // The next older match of the same query.
                if (_hit > 0 && history.SearchBackward(_query!, _hit) is var older and >= 0) ShowHit(older);
                return EditOutcome.Continue;
            case ConsoleKey.G when control:
            case ConsoleKey.C when control:
                _query = null;
                SetText(_beforeSearch);
                return EditOutcome.Continue;
            case ConsoleKey.Backspace:
                _query = _query![..Math.Max(0, _query!.Length - 1)];
                Search(history.Lines.Count);
                return EditOutcome.Continue;
            case ConsoleKey.Escape:
                _query = null;
                return EditOutcome.Continue;
            case ConsoleKey.Enter:
                _query = null;
                return EditOutcome.Accept;
        }
        if (!control && key.KeyChar >= ' ' && key.KeyChar != '\x7f' && key.Key != ConsoleKey.Tab)
        {
            _query += key.KeyChar;
            // A longer query may still match the current line; search from just above it.
            Search(_hit >= 0 ? _hit + 1 : history.Lines.Count);
            return EditOutcome.Continue;
        }
        // Any other key (arrows, Home, Ctrl-A...) keeps the found line and edits it.
        _query = null;
        return null;
    }

    private void Search(int before)
    {
        var hit = history.SearchBackward(_query!, before);
        if (hit >= 0) ShowHit(hit);
        else _hit = -1;
    }

    private void ShowHit(int index)
    {
        _hit = index;
        var line = history.Lines[index];
        SetText(line);
        Cursor = Math.Max(0, line.IndexOf(_query!, StringComparison.Ordinal));
    }

    /// <summary>
    /// Tab: one candidate replaces the word (and a space follows it unless it ends a member path); several extend
    /// the word to their common prefix, or, when that adds nothing, are listed.
    /// </summary>
    private void Complete()
    {
        if (complete is null) return;
        var completion = complete(Text, Cursor);
        var candidates = completion.Candidates;
        if (candidates.Count == 0) return;
        var word = Text[completion.Start..Cursor];
        if (candidates.Count == 1)
        {
            var only = candidates[0];
            Replace(completion.Start, Cursor - completion.Start, only + (only.EndsWith('.') || (Cursor < _buffer.Length && _buffer[Cursor] == ' ') ? "" : " "));
            return;
        }
        var common = CommonPrefix(candidates);
        if (common.Length > word.Length) Replace(completion.Start, Cursor - completion.Start, common);
        else Listing = candidates;
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var prefix = words[0];
        foreach (var w in words.Skip(1))
        {
            int n = 0;
            while (n < prefix.Length && n < w.Length && prefix[n] == w[n]) n++;
            prefix = prefix[..n];
        }
        return prefix;
    }

    private void SetText(string text)
    {
        _buffer.Clear().Append(text);
        Cursor = _buffer.Length;
    }

    private void Insert(string text)
    {
        _buffer.Insert(Cursor, text);
        Cursor += text.Length;
    }

    private void Delete(int start, int count)
    {
        count = Math.Min(count, _buffer.Length - start);
        if (count <= 0) return;
        _buffer.Remove(start, count);
        if (Cursor > start) Cursor = Math.Max(start, Cursor - count);
    }

    private void Replace(int start, int count, string text)
    {
        _buffer.Remove(start, count).Insert(start, text);
        Cursor = start + text.Length;
    }
}

/// <summary>Completion of the word ending at the cursor: where the word starts and what it may become.</summary>
internal readonly record struct Completion(int Start, IReadOnlyList<string> Candidates)
{
    public static Completion None(int cursor) => new(cursor, []);
}
