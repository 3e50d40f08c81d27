namespace DumpScope.Tui.Model;

/// <summary>Command-line history walked with Up and Down, like a shell's.</summary>
internal sealed class CommandHistory
{
    /// <summary>How many lines are kept.</summary>
    public const int Capacity = 200;

    private readonly List<string> _lines = [];
    private int _position;
    private string _draft = "";

    /// <summary>The remembered lines, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Remembers a line that was run (a repeat of the last one is not stored twice) and resets the walk.</summary>
    public void Add(string line)
    {
        line = line.Trim();
        if (line.Length > 0 && (_lines.Count == 0 || _lines[^1] != line))
        {
            _lines.Add(line);
            if (_lines.Count > Capacity)
                _lines.RemoveAt(0);
        }
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
}
