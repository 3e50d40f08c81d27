using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace DumpScope.Sdk.Linux.Objects;

/// <summary>
/// Layouts probed once per kernel: a helper asks for its layout class and gets the instance probed for this
/// <see cref="IKernel"/> (a dump's types do not change). A probe that throws is not kept and throws again next time.
/// </summary>
public static class KernelProbes
{
    private static readonly ConditionalWeakTable<IKernel, ConcurrentDictionary<Type, Lazy<object>>> Cache = new();

    /// <summary>The <typeparamref name="T"/> probed for <paramref name="kernel"/>, probing with <paramref name="probe"/> the first time.</summary>
    public static T Get<T>(IKernel kernel, Func<IKernel, T> probe) where T : class
    {
        var perKernel = Cache.GetValue(kernel, _ => new ConcurrentDictionary<Type, Lazy<object>>());
        var lazy = perKernel.GetOrAdd(typeof(T), _ => new Lazy<object>(() => probe(kernel)));
        try
        {
            return (T)lazy.Value;
        }
        catch
        {
            perKernel.TryRemove(new KeyValuePair<Type, Lazy<object>>(typeof(T), lazy));
            throw;
        }
    }
}
