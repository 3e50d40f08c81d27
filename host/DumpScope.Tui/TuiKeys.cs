using DumpScope.Tui.Model;
using Terminal.Gui.Input;

namespace DumpScope.Tui;

/// <summary>The TUI's keys (shown in the key bar and by <c>?</c> / F1).</summary>
public static class TuiKeys
{
    /// <summary>Shows the key help (<c>?</c> too, outside text fields).</summary>
    public static Key Help => Key.F1;

    /// <summary>Chooses among the selected row's navigation targets.</summary>
    public static Key GoTo => Key.F2;

    /// <summary>Shows and focuses the filter field (<c>/</c> too, outside text fields).</summary>
    public static Key Filter => Key.F3;

    /// <summary>Sorts by the cursor's column (again: descending, a third time: the command's order).</summary>
    public static Key Sort => Key.F4;

    /// <summary>Copies the cell (or text line) under the cursor to the terminal's clipboard (OSC 52).</summary>
    public static Key Copy => Key.F5;

    /// <summary>Shows or hides the command navigator (hidden by default below <see cref="MainWindow.WideColumns"/> columns).</summary>
    public static Key Navigator => Key.F6;

    /// <summary>Opens the profile picker.</summary>
    public static Key Profile => Key.F7;

    /// <summary>Shows the next block of a result with several.</summary>
    public static Key NextBlock => Key.F8;

    /// <summary>Focuses the command line (<c>:</c> too, outside text fields).</summary>
    public static Key CommandLine => Key.F9;

    /// <summary>Goes back (Backspace works too where it does not edit text).</summary>
    public static Key Back => Key.CursorLeft.WithAlt;

    /// <summary>Cancels the running command, closes a chooser, or clears the filter. (Terminal.Gui's default quit key is Esc; the TUI takes it for cancel.)</summary>
    public static Key Cancel => Key.Esc;

    /// <summary>Quits (F10 too).</summary>
    public static Key Quit => Key.Q.WithCtrl;

    /// <summary>In a struct's members: opens or closes the nested struct or array under the cursor (Enter too on a closed one).</summary>
    public static Key Fold => Key.Space;

    /// <summary>In a struct's members: opens every nested struct and array.</summary>
    public static Key UnfoldAll => new('+');

    /// <summary>In a struct's members: closes every nested struct and array.</summary>
    public static Key FoldAll => new('-');

    /// <summary>In a table: shows integers in hex or decimal (crash's <c>-x</c> / <c>-d</c>).</summary>
    public static Key Hex => new('x');

    /// <summary>The key bar: every key in order, the least important dropped first on a narrow terminal.</summary>
    internal static IReadOnlyList<KeyBarItem> Bar { get; } =
    [
        new("F1", "Help", 1),
        new("F2", "Go to", 4),
        new("F3", "Filter", 5),
        new("F4", "Sort", 8),
        new("F5", "Copy", 7),
        new("F6", "Nav", 6),
        new("F7", "Profile", 10),
        new("F8", "Block", 9),
        new("F9", "Cmd", 3),
        new("Alt+←", "Back", 3),
        new("Esc", "Cancel", 2),
        new("^Q", "Quit", 2),
    ];

    /// <summary>The help text: one line per key.</summary>
    public static IReadOnlyList<string> HelpLines { get; } =
    [
        "Enter        run the command line / a navigator command; on a row: follow its first target",
        $"{GoTo,-12} go to: choose among the row's targets",
        $"{Back,-12} back (Backspace too, outside text fields)",
        $"{Filter,-12} filter rows: type text, rows containing it stay (/ too); Esc clears it",
        $"{Sort,-12} sort by the cursor's column (again: descending; third time: original order); or click a header",
        $"{Copy,-12} copy the cell or line under the cursor to the clipboard (OSC 52)",
        $"{Navigator,-12} show or hide the command navigator",
        $"{NextBlock,-12} next block (tab) of a result",
        $"{CommandLine,-12} command line (: too); Up/Down walk the history",
        $"{Profile,-12} choose a plugin profile",
        $"{Cancel,-12} cancel the running command / close a chooser / clear the filter",
        "Space        struct members: open or close the nested struct or array; + opens all, - closes all",
        "x            integers in hex / decimal",
        "Left/Right   move between columns; Tab moves between panes",
        $"{Help,-12} this help (? too)",
        $"{Quit,-12} quit (F10 too)",
    ];
}
