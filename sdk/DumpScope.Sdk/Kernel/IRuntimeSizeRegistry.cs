namespace DumpScope.Sdk.Kernel;

/// <summary>A type's live size, shorter than declared, and who said so.</summary>
/// <param name="TypeName">The type as C spells it ("struct kmem_cache").</param>
/// <param name="Size">Bytes a live object really occupies.</param>
/// <param name="Source">How the size was found ("kmem_cache->object_size of the boot cache").</param>
public sealed record RuntimeSize(string TypeName, ulong Size, string Source);

/// <summary>
/// Types whose live objects are shorter than their declared type (a trailing array cut to nr_cpu_ids or
/// nr_node_ids). The owner of the knowledge registers the size; generic readers (<c>struct</c>, <c>rd</c>,
/// <see cref="KernelObject"/>) honour it and never read past it.
/// </summary>
public interface IRuntimeSizeRegistry
{
    /// <summary>Registers (or replaces) the live size of a type.</summary>
    void Register(RuntimeSize size);

    /// <summary>
    /// Registers a computation of a type's live size, run on the first <see cref="TryGet"/> for the type (so that
    /// opening a dump stays cheap); a null result or an exception means "no runtime size known".
    /// </summary>
    void RegisterLazy(string typeName, Func<RuntimeSize?> compute);

    /// <summary>The registered live size of a type, if any.</summary>
    bool TryGet(string typeName, out RuntimeSize size);

    /// <summary>Every registration.</summary>
    IReadOnlyCollection<RuntimeSize> All { get; }
}

/// <summary>A thread-safe in-memory registry; the host uses one per session.</summary>
public sealed class RuntimeSizeRegistry : IRuntimeSizeRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RuntimeSize> _sizes = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Register(RuntimeSize size) => _sizes[size.TypeName] = size;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<RuntimeSize?>> _pending = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void RegisterLazy(string typeName, Func<RuntimeSize?> compute) =>
        _pending[typeName] = new Lazy<RuntimeSize?>(() =>
        {
            try
            {
                return compute();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;
            }
        });

    /// <inheritdoc/>
    public bool TryGet(string typeName, out RuntimeSize size)
    {
        if (_sizes.TryGetValue(typeName, out size!)) return true;
        if (_pending.TryRemove(typeName, out var lazy) && lazy.Value is { } computed)
        {
            _sizes.TryAdd(typeName, computed);
            size = _sizes[typeName];
            return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<RuntimeSize> All => _sizes.Values.ToArray();
}
