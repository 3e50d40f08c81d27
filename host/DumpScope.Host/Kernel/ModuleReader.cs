namespace DumpScope.Host.Kernel;

/// <summary>
/// What the kernel's modules add to a vmlinux source (symbols, types), read once on first need. Reading it looks
/// things up in the very source it extends (module kallsyms need vmlinux's types, module BTF vmlinux's symbols):
/// while the reader runs, the source asks <see cref="Value"/> on the same thread and gets the empty value, so the
/// look-up answers from vmlinux alone instead of recursing.
/// </summary>
/// <typeparam name="T">What the modules give.</typeparam>
public sealed class ModuleReader<T>
{
    private readonly Lazy<T> _value;
    private readonly T _whileReading;
    private volatile int _readingThread;

    /// <summary>A reader run at most once; <paramref name="whileReading"/> answers re-entrant questions.</summary>
    public ModuleReader(Func<T> reader, T whileReading)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _whileReading = whileReading;
        _value = new Lazy<T>(() =>
        {
            _readingThread = Environment.CurrentManagedThreadId;
            try
            {
                return reader();
            }
            finally
            {
                _readingThread = 0;
            }
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The modules' contribution (read now if not yet), or the empty value while it is being read.</summary>
    public T Value => _readingThread == Environment.CurrentManagedThreadId ? _whileReading : _value.Value;

    /// <summary>Whether it has been read.</summary>
    public bool IsRead => _value.IsValueCreated;
}
