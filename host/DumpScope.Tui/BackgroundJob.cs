namespace DumpScope.Tui;

/// <summary>
/// Work running off the UI thread with a cancellation source and the latest progress report. The UI thread reads
/// <see cref="LatestProgress"/>; the worker writes it.
/// </summary>
internal sealed class BackgroundJob : IProgress<CommandProgress>, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Action _progressChanged;
    // Boxed so that one reference write publishes the whole struct atomically.
    private object? _latest;
    private int _progressPending;

    /// <summary>Creates a job; <paramref name="progressChanged"/> is called (from any thread) when new progress arrives and none is pending.</summary>
    public BackgroundJob(string label, Action progressChanged)
    {
        Label = label;
        _progressChanged = progressChanged;
    }

    /// <summary>What runs ("kmem -s").</summary>
    public string Label { get; }

    /// <summary>The token the work observes.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>True after <see cref="Cancel"/>.</summary>
    public bool IsCancellationRequested => _cancellation.IsCancellationRequested;

    /// <summary>The latest progress, or null before the first report.</summary>
    public CommandProgress? LatestProgress => Volatile.Read(ref _latest) is CommandProgress p ? p : null;

    /// <summary>Asks the work to stop.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job finished and was disposed between the user's key and this call: nothing left to cancel.
        }
    }

    /// <summary>Marks the pending progress notification as handled so the next report schedules another.</summary>
    public void ProgressShown() => Interlocked.Exchange(ref _progressPending, 0);

    /// <inheritdoc/>
    public void Report(CommandProgress value)
    {
        Volatile.Write(ref _latest, (object)value);
        // Coalesce: a command reporting per object must not flood the UI thread's queue.
        if (Interlocked.Exchange(ref _progressPending, 1) == 0)
            _progressChanged();
    }

    /// <inheritdoc/>
    public void Dispose() => _cancellation.Dispose();
}
