namespace DumpScope.Host.History;

/// <summary>
/// Command-line history walked with Up and Down and searched backwards (Ctrl-R), like a shell's; shared by the REPL
/// and the terminal UI. <see cref="Open"/> keeps it in a file (one line per command, appended as commands run), so a
/// later run recalls it; <see cref="InMemory"/> keeps it for one run only (tests).
/// </summary>
public sealed class CommandHistory
{
    /// <summary>How many lines are kept (and read back from the file).</summary>
    public const int Capacity = 1000;

    private readonly List<string> _lines = [];
    private readonly string? _path;
    private int _position;
    private string _draft = "";
    private int _fileLines;

    private CommandHistory(string? path) => _path = path;

    /// <summary>The file the history is kept in, or null.</summary>
    public string? FilePath => _path;

    /// <summary>The remembered lines, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>A history that is not kept after the run.</summary>
    public static CommandHistory InMemory() => new(null);

    /// <summary>The per-user history file: <c>$XDG_STATE_HOME/dumpscope/history</c> (<see cref="UserDirectories.State"/>).</summary>
    public static string DefaultPath => Path.Combine(UserDirectories.State, "history");

    /// <summary>
    /// The history kept in <paramref name="path"/>: its last <see cref="Capacity"/> lines now, each new line appended.
    /// A file that cannot be read or written leaves the history in memory only: history is a convenience, never fatal.
    /// </summary>
    public static CommandHistory Open(string path)
    {
        var history = new CommandHistory(path);
        try
        {
            if (File.Exists(path))
                foreach (var line in File.ReadLines(path))
                {
                    history._fileLines++;
                    history.Remember(line.Trim());
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        history._position = history._lines.Count;
        return history;
    }

    /// <summary>Remembers a line that was run (a repeat of the last one is not stored twice) and resets the walk.</summary>
    public void Add(string line)
    {
        line = line.Trim();
        if (Remember(line)) Persist(line);
        _position = _lines.Count;
        _draft = "";
    }

    /// <summary>The line before the current one; <paramref name="current"/> is kept as the draft when leaving the bottom.</summary>
    public string Previous(string current)
    {
        if (_lines.Count == 0)
            return current;
        if (_position == _lines.Count)
            _draft = current;
        if (_position > 0)
            _position--;
        return _lines[_position];
    }

    /// <summary>The line after the current one, or the draft at the bottom.</summary>
    public string Next()
    {
        if (_position >= _lines.Count)
            return _draft;
        _position++;
        return _position == _lines.Count ? _draft : _lines[_position];
    }

    /// <summary>Ends a walk (the next <see cref="Previous"/> starts from the newest line again).</summary>
    public void ResetWalk()
    {
        _position = _lines.Count;
        _draft = "";
    }

    /// <summary>
    /// The newest line older than index <paramref name="before"/> that contains <paramref name="query"/> (ordinal),
    /// as its index, or -1. Start with <c>before = Lines.Count</c>; pass the last hit to find the next older one.
    /// </summary>
    public int SearchBackward(string query, int before)
    {
        for (int i = Math.Min(before, _lines.Count) - 1; i >= 0; i--)
            if (_lines[i].Contains(query, StringComparison.Ordinal)) return i;
        return -1;
    }

    private bool Remember(string line)
    {
        if (line.Length == 0 || (_lines.Count > 0 && _lines[^1] == line)) return false;
        _lines.Add(line);
        if (_lines.Count > Capacity) _lines.RemoveAt(0);
        return true;
    }

    private void Persist(string line)
    {
        if (_path is null) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            File.AppendAllText(_path, line + "\n");
            // The file only grows by appending (two runs at once both keep their lines); rewrite it with the kept
            // lines once it holds twice as many.
            if (++_fileLines > 2 * Capacity)
            {
                File.WriteAllLines(_path, _lines);
                _fileLines = _lines.Count;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
