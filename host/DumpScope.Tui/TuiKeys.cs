using Terminal.Gui.Input;

namespace DumpScope.Tui;

/// <summary>The TUI's keys (shown in the status bar and in the F1 help).</summary>
public static class TuiKeys
{
    /// <summary>Shows the key help.</summary>
    public static Key Help => Key.F1;

    /// <summary>Chooses among the selected row's navigation targets.</summary>
    public static Key GoTo => Key.F2;

    /// <summary>Focuses the filter field.</summary>
    public static Key Filter => Key.F3;

    /// <summary>Sorts by the cursor's column (again: descending, a third time: the command's order).</summary>
    public static Key Sort => Key.F4;

    /// <summary>Opens the profile picker.</summary>
    public static Key Profile => Key.F7;

    /// <summary>Shows the next block of a result with several.</summary>
    public static Key NextBlock => Key.F8;

    /// <summary>Focuses the command line.</summary>
    public static Key CommandLine => Key.F9;

    /// <summary>Goes back (Backspace works too where it does not edit text).</summary>
    public static Key Back => Key.CursorLeft.WithAlt;

    /// <summary>Cancels the running command or closes a chooser. (Terminal.Gui's default quit key is Esc; the TUI takes it for cancel.)</summary>
    public static Key Cancel => Key.Esc;

    /// <summary>Quits (F10 too).</summary>
    public static Key Quit => Key.Q.WithCtrl;

    /// <summary>The help text: one line per key.</summary>
    public static IReadOnlyList<string> HelpLines { get; } =
    [
        "Enter        run the command line / a navigator command; on a row: follow its first target",
        $"{GoTo,-12} go to: choose among the row's targets",
        $"{Back,-12} back (Backspace too, outside text fields)",
        $"{Filter,-12} filter rows: type text, rows containing it stay",
        $"{Sort,-12} sort by the cursor's column (again: descending; third time: original order); or click a header",
        $"{NextBlock,-12} next block (tab) of a result",
        $"{CommandLine,-12} command line; Up/Down walk the history",
        $"{Profile,-12} choose a plugin profile",
        $"{Cancel,-12} cancel the running command / close a chooser",
        "Tab          move between panes",
        $"{Quit,-12} quit (F10 too)",
    ];
}
