using DumpScope.Host.Rendering;
using DumpScope.Host.Session;
using DumpScope.Tui.Model;
using DumpScope.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui;

/// <summary>
/// The TUI's window: summary pane, command navigator, results (tables, records, text; tabs for several blocks) with
/// the breadcrumbs as their title, a header line and a filter, command line, status line and key bar. It talks only
/// to <see cref="ICommandRunner"/> and runs commands off the UI thread. Usable headless: begin it on an application
/// created with a virtual time provider. Below <see cref="WideColumns"/> columns the navigator starts hidden and the
/// summary keeps to <see cref="CompactSummaryLines"/> lines, so 80x24 shows data.
/// </summary>
public sealed class MainWindow : Window
{
    /// <summary>From this many columns on, the navigator is shown unless toggled off.</summary>
    public const int WideColumns = 120;

    /// <summary>From this many rows on, the summary may take <see cref="SummaryMaxLines"/> lines.</summary>
    public const int TallRows = 40;

    /// <summary>Summary lines on a tall terminal.</summary>
    public const int SummaryMaxLines = 6;

    /// <summary>Summary lines on a short terminal (PANIC is always one of them).</summary>
    public const int CompactSummaryLines = 2;

    private const int NavigatorWidth = 30;

    private readonly TuiOptions _options;
    private readonly FrameView _summaryFrame;
    private readonly Label _summaryText;
    private readonly FrameView _navigatorFrame;
    private readonly CommandNavigator _navigator;
    private readonly FrameView _resultsFrame;
    private readonly Label _header;
    private readonly Label _filterLabel;
    private readonly TextField _filter;
    private readonly ResultPane _pane;
    private readonly CommandLineField _commandLine;
    private readonly SpinnerView _spinner;
    private readonly Label _status;
    private readonly Label _keyBar;
    private readonly ChooserView _chooser;
    private readonly Dictionary<Key, Action> _keys;
    private readonly Dictionary<Key, Action> _characterKeys;
    private IApplication? _keyboardOf;
    private readonly Stack<ResultPage> _back = new();
    private ICommandRunner _runner;
    private string? _profile;
    private BackgroundJob? _job;
    private Task _background = Task.CompletedTask;
    private string _message = "";
    private bool _messageIsError;
    private bool _started;
    private bool _settingFilter;
    private bool? _navigatorWanted;
    private CommandResult? _summary;

    /// <summary>Creates the window over <paramref name="runner"/>; the summary and initial command run once the window runs.</summary>
    public MainWindow(ICommandRunner runner, TuiOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _options = options;
        _profile = options.CurrentProfile;
        // Before anything is added: every title and text below keeps its underscores.
        PlainLabels.Apply(this);
        UpdateTitle();

        _summaryFrame = new FrameView { Title = "Summary", X = 0, Y = 0, Width = Dim.Fill(), Height = 0, Visible = false };
        _summaryText = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        _summaryFrame.Add(_summaryText);

        _navigatorFrame = new FrameView { Title = "Commands", X = 0, Y = Pos.Bottom(_summaryFrame), Width = NavigatorWidth, Height = Dim.Fill(3) };
        _navigator = new CommandNavigator();
        _navigator.CommandChosen += (_, command) => OnNavigatorCommand(command);
        _navigator.CommandSelected += (_, command) =>
        {
            if (command is not null && _job is null)
                ShowText($"{command.Usage}{(command.Help.Length > 0 ? "  — " + command.Help : "")}", error: false);
        };
        _navigatorFrame.Add(_navigator);

        _resultsFrame = new FrameView { Title = "Results", X = Pos.Right(_navigatorFrame), Y = Pos.Top(_navigatorFrame), Width = Dim.Fill(), Height = Dim.Fill(3) };
        _resultsFrame.FrameChanged += (_, _) => UpdateBreadcrumbs();
        _header = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1, Visible = false };
        _filterLabel = new Label { Text = "Filter:", X = 0, Y = 0, Visible = false };
        _filter = new TextField { X = Pos.Right(_filterLabel) + 1, Y = 0, Width = Dim.Fill(), Visible = false };
        _filter.TextChanged += (_, _) =>
        {
            if (!_settingFilter)
                ApplyFilter();
        };
        _filter.Accepting += (_, e) =>
        {
            e.Handled = true;
            _pane!.FocusContent();
        };
        _filter.HasFocusChanged += (_, _) => UpdateResultsLayout();
        _pane = new ResultPane { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        _pane.TargetRequested += (_, target) => RunCommand(target.Command, addToHistory: false);
        _pane.NoTarget += (_, _) => ShowText("this row leads nowhere", error: false);
        _pane.SelectionMoved += (_, _) =>
        {
            DescribeSelection();
            UpdateKeyBar();
        };
        _resultsFrame.Add(_header, _filterLabel, _filter, _pane);

        var prompt = new Label { Text = ">", X = 0, Y = Pos.AnchorEnd(3) };
        _commandLine = new CommandLineField { X = 2, Y = Pos.AnchorEnd(3), Width = Dim.Fill() };
        if (options.History is { } history) _commandLine.History = history;
        _commandLine.Accepting += (_, e) =>
        {
            e.Handled = true;
            var line = _commandLine.Text.Trim();
            if (line.Length == 0)
                return;
            _commandLine.History.Add(line);
            _commandLine.SetLine("");
            RunCommand(line, addToHistory: false);
        };

        _spinner = new SpinnerView { X = 0, Y = Pos.AnchorEnd(2), Width = 1, Height = 1, Visible = false };
        _status = new Label { X = 2, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1 };
        _keyBar = new Label { X = 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Height = 1 };

        // The window handles its keys after the focused view declined them: text fields keep their letters,
        // and the function keys work from everywhere.
        _keys = new Dictionary<Key, Action>
        {
            [TuiKeys.Help] = ShowHelp,
            [TuiKeys.GoTo] = ChooseTarget,
            [TuiKeys.Filter] = FocusFilter,
            [TuiKeys.Sort] = SortCurrentColumn,
            [TuiKeys.Copy] = CopyCurrent,
            [TuiKeys.Navigator] = ToggleNavigator,
            [TuiKeys.Profile] = ChooseProfile,
            [TuiKeys.NextBlock] = () => _pane.NextBlock(),
            [TuiKeys.CommandLine] = () => _commandLine.SetFocus(),
            [TuiKeys.Back] = Back,
            [Key.Backspace] = Back,
            [TuiKeys.Cancel] = CancelOrClose,
            [TuiKeys.Quit] = Quit,
            [Key.F10] = Quit,
        };
        // Printable keys the lists and tables would take for type-ahead: the window sees them first unless a text field has focus.
        _characterKeys = new Dictionary<Key, Action>
        {
            [new Key('?')] = ShowHelp,
            [new Key('/')] = FocusFilter,
            [new Key(':')] = () => _commandLine.SetFocus(),
        };

        WriteToTerminal = sequence => App?.Driver?.WriteRaw(sequence);
        _chooser = new ChooserView();
        Add(_summaryFrame, _navigatorFrame, _resultsFrame, prompt, _commandLine, _spinner, _status, _keyBar, _chooser);
        FrameChanged += (_, _) => FitToSize();

        IsRunningChanged += (_, e) =>
        {
            if (e.Value && !_started)
            {
                _started = true;
                _keyboardOf = App;
                if (_keyboardOf is not null)
                    _keyboardOf.Keyboard.KeyDown += OnApplicationKeyDown;
                Start();
            }
        };
    }

    /// <summary>The runner in use (changes when a profile is chosen).</summary>
    public ICommandRunner Runner => _runner;

    /// <summary>The current profile, or null.</summary>
    public string? Profile => _profile;

    /// <summary>The status line's text.</summary>
    public string StatusText => _status.Text;

    /// <summary>The breadcrumb path, oldest first.</summary>
    public IReadOnlyList<string> NavigationPath =>
        _pane.Page is null ? [] : _back.Reverse().Select(p => p.CommandLine).Append(_pane.Page.CommandLine).ToList();

    /// <summary>True while a command (or a profile switch) runs.</summary>
    public bool IsBusy => _job is not null;

    /// <summary>
    /// The latest background work including the hand-back to the UI thread: when it completes, the result has been
    /// queued with <c>IApplication.Invoke</c> (headless tests then run the queued timers).
    /// </summary>
    internal Task BackgroundWork => _background;

    internal ResultPage? CurrentPage => _pane.Page;
    internal CommandLineField CommandLine => _commandLine;
    internal TextField FilterField => _filter;
    internal CommandNavigator Navigator => _navigator;
    internal ResultPane Results => _pane;
    internal ChooserView Chooser => _chooser;
    internal string SummaryText => _summaryFrame.Visible ? _summaryText.Text : "";
    internal bool NavigatorShown => _navigatorFrame.Visible;
    internal string KeyBarText => _keyBar.Text;
    internal string HeaderText => _header.Visible ? _header.Text : "";
    internal bool FilterShown => _filter.Visible;

    /// <summary>Where copied text goes: the terminal, as an OSC 52 sequence (tests replace it).</summary>
    internal Action<string> WriteToTerminal { get; set; }

    /// <summary>Runs <paramref name="commandLine"/> off the UI thread; its result becomes the new page (the old one goes on the back stack).</summary>
    public void RunCommand(string commandLine, bool addToHistory = true)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var line = commandLine.Trim();
        if (line.Length == 0)
            return;
        if (addToHistory)
            _commandLine.History.Add(line);
        var runner = _runner;
        StartJob(line, job =>
        {
            var result = runner.Run(line, job.Token, job);
            job.Token.ThrowIfCancellationRequested();
            // Turning a large result into rows takes a while: it happens here, where Esc can stop it, not on the UI thread.
            return (result, page: result.Failed ? null : ResultPage.From(line, result, job.Token));
        }, done => ShowResult(line, done.result, done.page));
    }

    /// <summary>Goes back to the previous page, if any.</summary>
    public void Back()
    {
        if (_chooser.IsOpen)
            _chooser.Close();
        if (_back.Count == 0)
        {
            ShowText("nothing to go back to", error: false);
            return;
        }
        var page = _back.Pop();
        ShowPage(page);
        ShowText($"back to {page.CommandLine}: {page.Describe()}", error: false);
    }

    /// <summary>Shows an exception the UI loop caught and keeps the application running (use as <c>Run</c>'s error handler).</summary>
    public bool ReportException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ShowText($"internal error: {exception.GetType().Name}: {exception.Message}", error: true);
        return true;
    }

    /// <inheritdoc/>
    protected override bool OnKeyDown(Key key)
    {
        // Reached only when the focused view did not use the key: Backspace in a text field still deletes, '?' is typed.
        if (_keys.TryGetValue(key, out var action))
        {
            action();
            return true;
        }
        return base.OnKeyDown(key);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _job?.Cancel();
            if (_keyboardOf is not null)
                _keyboardOf.Keyboard.KeyDown -= OnApplicationKeyDown;
            _keyboardOf = null;
        }
        base.Dispose(disposing);
    }

    private void OnApplicationKeyDown(object? sender, Key key)
    {
        if (key.Handled || MostFocused is TextField || !_characterKeys.TryGetValue(key, out var action))
            return;
        action();
        key.Handled = true;
    }

    private void Start()
    {
        _navigator.Populate(_runner);
        _commandLine.SetFocus();
        LoadSummary(then: () =>
        {
            if (!string.IsNullOrWhiteSpace(_options.InitialCommand))
                RunCommand(_options.InitialCommand!, addToHistory: false);
            else if (OpeningCommand() is { } opening)
                RunCommand(opening, addToHistory: false);
        });
    }

    /// <summary>The first opening command a loaded plugin provides, or null.</summary>
    private string? OpeningCommand() =>
        _options.OpeningCommands.FirstOrDefault(c => _runner.Commands.Any(d => d.Invocation == c && d.Plugin != "host"));

    private void LoadSummary(Action? then)
    {
        var commands = _options.SummaryCommands;
        if (commands.Count == 0)
        {
            then?.Invoke();
            return;
        }
        var runner = _runner;
        StartJob("summary", job =>
        {
            foreach (var command in commands)
            {
                job.Token.ThrowIfCancellationRequested();
                CommandResult result;
                try
                {
                    result = runner.Run(command, job.Token, job);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The summary is a courtesy: a command that is missing or broken leaves the pane empty.
                    continue;
                }
                if (!result.Failed)
                    return result;
            }
            return null;
        }, result =>
        {
            ShowSummary(result);
            then?.Invoke();
        });
    }

    private void ShowSummary(CommandResult? result)
    {
        _summary = result;
        var width = Math.Max(Frame.Width - 4, 20);
        var maxLines = Frame.Height >= TallRows ? SummaryMaxLines : CompactSummaryLines;
        var lines = SummaryLines.Format(result, _options.Notes, width, maxLines, _options.SummaryPinned, _options.SummaryOrder);
        if (lines.Count == 0)
        {
            _summaryText.Text = "";
            _summaryFrame.Visible = false;
            _summaryFrame.Height = 0;
            return;
        }
        _summaryText.Text = string.Join('\n', lines);
        _summaryFrame.Height = lines.Count + 2;
        _summaryFrame.Visible = true;
        SetNeedsLayout();
    }

    /// <summary>Fits the panes to the terminal: navigator shown on wide terminals (or as toggled), summary lines, key bar.</summary>
    private void FitToSize()
    {
        var shown = _navigatorWanted ?? Frame.Width >= WideColumns;
        if (_navigatorFrame.Visible != shown)
        {
            _navigatorFrame.Visible = shown;
            _navigatorFrame.Width = shown ? NavigatorWidth : 0;
            _resultsFrame.X = shown ? Pos.Right(_navigatorFrame) : 0;
        }
        if (_summary is not null)
            ShowSummary(_summary);
        UpdateKeyBar();
        UpdateBreadcrumbs();
    }

    private void ToggleNavigator()
    {
        _navigatorWanted = !_navigatorFrame.Visible;
        FitToSize();
        if (_navigatorFrame.Visible)
            _navigator.SetFocus();
        else
            _pane.FocusContent();
        ShowText(_navigatorFrame.Visible ? "navigator shown (F6 hides it)" : "navigator hidden (F6 shows it)", error: false);
    }

    private void UpdateKeyBar()
    {
        var items = TuiKeys.Bar.ToList();
        if (_pane.CurrentBlockView is BlockTableView { Model: var model })
        {
            // The keys of what is under the cursor come first in line after the essential ones.
            if (model.IsTree)
                items.Insert(0, new KeyBarItem("Space", "Open", 4));
            if (model.HasIntegers)
                items.Insert(items.Count - 3, new KeyBarItem("x", model.ShowHex ? "Dec" : "Hex", 8));
        }
        _keyBar.Text = KeyBar.Format(items, Math.Max(Frame.Width - 3, 10));
    }

    private void StartJob<T>(string label, Func<BackgroundJob, T> work, Action<T> done)
    {
        if (_job is not null)
        {
            ShowText($"busy with {_job.Label} (Esc cancels it)", error: true);
            return;
        }
        BackgroundJob? job = null;
        job = new BackgroundJob(label, () => Post(() => ShowProgress(job!)));
        _job = job;
        ShowBusy(job);
        var task = Task.Run(() => work(job));
        _background = task.ContinueWith(t => Post(() => Finish(job, t, done)), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Finish<T>(BackgroundJob job, Task<T> task, Action<T> done)
    {
        if (ReferenceEquals(_job, job))
            _job = null;
        var cancelled = job.IsCancellationRequested || task.IsCanceled;
        job.Dispose();
        _spinner.AutoSpin = false;
        _spinner.Visible = false;
        if (cancelled)
        {
            ShowText($"cancelled: {job.Label}", error: false);
            return;
        }
        if (task.IsFaulted)
        {
            var ex = task.Exception!.GetBaseException();
            ShowText($"{job.Label}: {ex.GetType().Name}: {ex.Message}", error: true);
            return;
        }
        ShowText(_message, _messageIsError);
        done(task.Result);
    }

    private void ShowBusy(BackgroundJob job)
    {
        _spinner.Visible = true;
        _spinner.AutoSpin = true;
        _status.Text = $"running {job.Label}… (Esc cancels)";
        _status.SchemeName = null;
        SetNeedsDraw();
    }

    private void ShowProgress(BackgroundJob job)
    {
        job.ProgressShown();
        if (!ReferenceEquals(_job, job) || job.LatestProgress is not { } p)
            return;
        var amount = p.Total > 0 ? $"{p.Done}/{p.Total} ({100.0 * p.Done / p.Total:0}%)" : p.Done.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _status.Text = $"running {job.Label}: {p.What} {amount}… (Esc cancels)";
        _spinner.AdvanceAnimation(true);
    }

    private void ShowResult(string line, CommandResult result, ResultPage? page)
    {
        if (result.Failed || page is null)
        {
            ShowText($"{line}: {result.Error}", error: true);
            return;
        }
        if (_pane.Page is { } current)
        {
            _pane.SaveState();
            _back.Push(current);
        }
        ShowPage(page);
        ShowText($"{line}: {page.Describe()}", error: false);
    }

    private void ShowPage(ResultPage page)
    {
        _pane.Show(page);
        _settingFilter = true;
        _filter.Text = page.Filter;
        _settingFilter = false;
        _header.Text = page.Header;
        UpdateResultsLayout();
        UpdateBreadcrumbs();
        UpdateKeyBar();
        _pane.FocusContent();
        SetNeedsLayout();
    }

    /// <summary>Header line when the page has one, filter line while it is used, then the blocks.</summary>
    private void UpdateResultsLayout()
    {
        var header = _header.Text.Length > 0;
        var filter = _filter.HasFocus || _filter.Text.Length > 0;
        _header.Visible = header;
        _filterLabel.Visible = filter;
        _filter.Visible = filter;
        var y = header ? 1 : 0;
        _filterLabel.Y = y;
        _filter.Y = y;
        _pane.Y = y + (filter ? 1 : 0);
        _resultsFrame.SetNeedsLayout();
    }

    private void FocusFilter()
    {
        _filterLabel.Visible = true;
        _filter.Visible = true;
        _filter.SetFocus();
        UpdateResultsLayout();
    }

    private void CopyCurrent()
    {
        var text = _pane.CopyText();
        if (string.IsNullOrEmpty(text))
        {
            ShowText("nothing to copy here", error: false);
            return;
        }
        WriteToTerminal(Osc52.Sequence(text));
        ShowText($"copied: {CellFormatter.Shorten(text, 60)}", error: false);
    }

    private void ApplyFilter()
    {
        if (_pane.Page is null)
            return;
        _pane.ApplyFilter(_filter.Text);
        ShowText($"{_pane.Page.CommandLine}: {_pane.Page.Describe()}", error: false);
    }

    private void SortCurrentColumn()
    {
        var column = _pane.SortByCursorColumn();
        if (column is null)
            ShowText("sorting works on tables: select a column first", error: false);
        else if (_pane.CurrentBlockView is BlockTableView { Model: var model })
            ShowText(model.SortColumn is null ? "original order" : $"sorted by {column}{(model.SortIsDescending ? ", descending" : "")}", error: false);
    }

    private void ChooseTarget()
    {
        var targets = _pane.CurrentRow?.Targets ?? [];
        if (targets.Count == 0)
        {
            ShowText("no navigation target here", error: false);
            return;
        }
        _chooser.Open("Go to", targets.Select(t => $"{t.Label}: {t.Command}").ToList(), 0,
            index => RunCommand(targets[index].Command, addToHistory: false));
    }

    private void ChooseProfile()
    {
        var profiles = _options.Profiles;
        if (profiles.Count == 0)
        {
            ShowText("no profiles configured", error: false);
            return;
        }
        var current = _profile is null ? 0 : Math.Max(0, profiles.ToList().IndexOf(_profile));
        _chooser.Open("Profile", profiles.Select(p => (p == _profile ? "* " : "  ") + p).ToList(), current,
            index => SwitchProfile(profiles[index]));
    }

    private void SwitchProfile(string profile)
    {
        if (_options.SwitchProfile is not { } switcher)
        {
            ShowText("switching profiles is not available here", error: true);
            return;
        }
        StartJob($"profile {profile}", _ => switcher(profile), runner =>
        {
            ArgumentNullException.ThrowIfNull(runner);
            _runner = runner;
            _profile = profile;
            UpdateTitle();
            _navigator.Populate(runner);
            ShowText($"profile {profile}: {runner.Plugins.Count} plugins, {runner.Commands.Count} commands", error: false);
            LoadSummary(then: null);
        });
    }

    private void OnNavigatorCommand(CommandDescriptor command)
    {
        if (CommandUsage.NeedsArgument(command))
        {
            _commandLine.SetFocus();
            _commandLine.SetLine(command.Invocation + " ");
            ShowText($"usage: {command.Usage}", error: false);
            return;
        }
        RunCommand(command.Invocation);
    }

    private void ShowHelp()
    {
        var help = CommandResult.FromText([.. TuiKeys.HelpLines]);
        ShowResult("keys", help, ResultPage.From("keys", help));
    }

    private void CancelOrClose()
    {
        if (_chooser.IsOpen)
        {
            _chooser.Close();
            return;
        }
        if (_job is { } job)
        {
            job.Cancel();
            _status.Text = $"cancelling {job.Label}…";
            return;
        }
        if (_filter.Visible)
        {
            _filter.Text = "";
            _pane.FocusContent();
            UpdateResultsLayout();
        }
    }

    private void Quit()
    {
        _job?.Cancel();
        RequestStop();
    }

    private void DescribeSelection()
    {
        if (_job is not null)
            return;
        var row = _pane.CurrentRow;
        if (row is null)
            return;
        if (row.Problem is not null)
            ShowText($"problem: {row.Problem}", error: true);
        else if (_pane.CurrentCell is { HasValue: false } cell && cell.Absence != Absence.NotApplicable)
            ShowText(CellFormatter.FormatFull(cell), error: true);
        else if (row.Targets.Count > 0)
            ShowText($"Enter: {row.Targets[0].Label} ({row.Targets[0].Command})" + (row.Targets.Count > 1 ? $"; {TuiKeys.GoTo}: {row.Targets.Count} targets" : ""), error: false);
        else
            ShowText(_message, _messageIsError);
    }

    private void ShowText(string text, bool error)
    {
        _message = text;
        _messageIsError = error;
        _status.Text = text;
        _status.SchemeName = error ? "Error" : null;
        _status.SetNeedsDraw();
    }

    /// <summary>The results' title is the path that led here, cut from the left to fit the frame.</summary>
    private void UpdateBreadcrumbs()
    {
        var width = _resultsFrame.Frame.Width > 6 ? _resultsFrame.Frame.Width - 6 : 200;
        var path = NavigationPath;
        _resultsFrame.Title = path.Count == 0 ? "Results" : Breadcrumbs.Format(path, width);
    }

    private void UpdateTitle()
    {
        var dump = _runner.DumpPath is { } path ? Path.GetFileName(path) : "no dump";
        Title = _profile is null ? $"DumpScope — {dump}" : $"DumpScope — {dump} [{_profile}]";
    }

    private void Post(Action action)
    {
        try
        {
            App?.Invoke(action);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The application ended while the work ran: there is no UI left to update.
        }
    }
}
