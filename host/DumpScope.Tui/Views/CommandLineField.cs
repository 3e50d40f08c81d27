using DumpScope.Host.History;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>The command line: a text field whose Up and Down walk the history.</summary>
internal sealed class CommandLineField : TextField
{
    /// <summary>The lines run so far (the REPL's persisted history when the CLI passes it in <see cref="TuiOptions.History"/>).</summary>
    public CommandHistory History { get; set; } = CommandHistory.InMemory();

    /// <summary>Puts <paramref name="text"/> in the field with the cursor at its end.</summary>
    public void SetLine(string text)
    {
        Text = text;
        ClearAllSelection();
        MoveEnd();
    }

    /// <inheritdoc/>
    protected override bool OnKeyDown(Key key)
    {
        if (key == Key.CursorUp)
        {
            SetLine(History.Previous(Text));
            return true;
        }
        if (key == Key.CursorDown)
        {
            SetLine(History.Next());
            return true;
        }
        return base.OnKeyDown(key);
    }
}
