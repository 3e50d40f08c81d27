namespace DumpScope.Fuzz;

/// <summary>
/// Runs a harness on one long-lived thread so the caller can wait with a timeout: a hanging input is
/// reported instead of blocking the smoke pass forever. After a hang the worker is abandoned (a thread
/// cannot be stopped safely); it is a background thread and ends with the process.
/// </summary>
internal sealed class HarnessWorker : IDisposable
{
    private readonly Action<byte[]> _run;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private byte[] _input = [];
    private Exception? _error;
    private volatile bool _stopping;

    public HarnessWorker(Action<byte[]> run)
    {
        _run = run;
        // A large stack: deep but bounded recursion in a parser must not be mistaken for a finding.
        _thread = new Thread(Loop, 16 << 20) { IsBackground = true, Name = "fuzz harness" };
        _thread.Start();
    }

    /// <summary>False when the input did not finish within <paramref name="timeout"/>.</summary>
    public bool TryRun(byte[] input, TimeSpan timeout, out Exception? error)
    {
        _input = input;
        _error = null;
        _start.Release();
        if (!_done.Wait(timeout))
        {
            error = null;
            return false;
        }
        error = _error;
        return true;
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            try
            {
                _run(_input);
            }
            catch (Exception e)
            {
                _error = e;
            }
            _done.Release();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
    }
}
