using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>
/// The host's <see cref="IOtherDumps"/>: opens another dump the way the session opened its own
/// (<see cref="DumpComposition"/> with the session's options but that path), runs the session's kernel
/// initializers on its kernel, and keeps it open, once per full path, until the session is disposed.
/// </summary>
internal sealed class OtherDumps(SessionOptions options, IServiceProvider services) : IOtherDumps, IDisposable
{
    private readonly Dictionary<string, OtherDump> _open = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public OtherDump Open(string path, CancellationToken cancellation = default)
    {
        var full = Path.GetFullPath(path);
        lock (_lock)
        {
            if (_open.TryGetValue(full, out var known)) return known;
            if (Directory.Exists(full)) throw new UsageException($"{path} is a directory; give the dump file inside it");
            if (!File.Exists(full)) throw new UsageException($"dump not found: {path}");
            cancellation.ThrowIfCancellationRequested();
            var notes = new List<string>();
            var owned = new List<IDisposable>();
            var collection = new ServiceCollection();
            string? problem;
            try
            {
                problem = DumpComposition.Compose(options with { DumpPath = full }, collection, notes, owned);
            }
            catch
            {
                foreach (var d in owned) d.Dispose();
                throw;
            }
            var kernel = collection.FirstOrDefault(d => d.ServiceType == typeof(IKernel))?.ImplementationInstance as IKernel;
            if (problem is not null || kernel is null)
            {
                foreach (var d in owned) d.Dispose();
                throw new InvalidDataException($"{path}: the kernel could not be read: {problem ?? "no kernel"}");
            }
            foreach (var initializer in services.GetServices<IKernelInitializer>())
            {
                try
                {
                    initializer.Initialize(kernel);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    notes.Add($"{initializer.GetType().Name} failed to initialise on {path}: {e.Message}");
                }
            }
            _owned.AddRange(owned);
            var opened = new OtherDump(path, kernel, notes);
            _open[full] = opened;
            return opened;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var d in _owned) d.Dispose();
            _owned.Clear();
            _open.Clear();
        }
    }
}
