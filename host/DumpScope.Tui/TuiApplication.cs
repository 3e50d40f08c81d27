using DumpScope.Host.Session;
using Terminal.Gui.App;

namespace DumpScope.Tui;

/// <summary>Starts the terminal UI on the real terminal (Terminal.Gui v2 instance model).</summary>
public sealed class TuiApplication
{
    private TuiApplication()
    {
    }

    /// <summary>
    /// Runs the TUI over <paramref name="runner"/> until the user quits (Ctrl+Q or F10); returns the process exit
    /// code, 0 after a normal quit. Errors inside the UI are shown in the status line and do not end the session.
    /// </summary>
    public static int Run(ICommandRunner runner, TuiOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        using IApplication app = Application.Create();
        app.Init();
        using var window = new MainWindow(runner, options);
        app.Run(window, window.ReportException);
        return 0;
    }
}
