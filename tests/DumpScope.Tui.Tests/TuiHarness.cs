using DumpScope.Host.Session;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace DumpScope.Tui.Tests;

/// <summary>
/// Runs a <see cref="MainWindow"/> headless: ANSI driver on a virtual screen, virtual time, keys injected, the
/// screen read back as text. Background work is awaited and its hand-back (queued with Invoke) run by
/// <see cref="Settle"/>.
/// </summary>
internal sealed class TuiHarness : IDisposable
{
    private static readonly TimeSpan WorkTimeout = TimeSpan.FromSeconds(20);
    private readonly SessionToken _token;

    public TuiHarness(ICommandRunner runner, TuiOptions? options = null, int width = 140, int height = 40)
    {
        App = Application.Create(new VirtualTimeProvider());
        App.Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(width, height);
        Window = new MainWindow(runner, options ?? new TuiOptions());
        _token = App.Begin(Window) ?? throw new InvalidOperationException("Begin returned no session");
        Settle();
    }

    public IApplication App { get; }

    public MainWindow Window { get; }

    /// <summary>The screen as text.</summary>
    public string Screen
    {
        get
        {
            App.LayoutAndDraw(true);
            return App.Driver!.ToString() ?? "";
        }
    }

    /// <summary>Waits for background work, runs what it queued for the UI thread, repeats while new work starts, then draws.</summary>
    public void Settle()
    {
        for (var round = 0; round < 20; round++)
        {
            var work = Window.BackgroundWork;
            if (!work.Wait(WorkTimeout))
                throw new TimeoutException("background work did not finish");
            App.TimedEvents!.RunTimers();
            if (!Window.IsBusy && ReferenceEquals(work, Window.BackgroundWork))
                break;
        }
        App.LayoutAndDraw(true);
    }

    /// <summary>Runs what background threads queued so far without waiting for them, then draws.</summary>
    public void Pump()
    {
        App.TimedEvents!.RunTimers();
        App.LayoutAndDraw(true);
    }

    public void Press(Key key) => App.InjectKey(key);

    public void Type(string text)
    {
        foreach (var ch in text)
            App.InjectKey(new Key(ch));
    }

    /// <summary>Types a command line and presses Enter, then waits for it.</summary>
    public void Run(string commandLine)
    {
        Press(TuiKeys.CommandLine);
        Type(commandLine);
        Press(Key.Enter);
        Settle();
    }

    /// <summary>The screen's lines that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LinesWith(string text) =>
        Screen.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        App.End(_token);
        Window.Dispose();
        App.Dispose();
    }
}
