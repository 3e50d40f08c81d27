using System.Runtime.CompilerServices;

namespace DumpScope.Sdk.Kernel;

/// <summary>The thread-safe <see cref="IKernelFeatures"/>, and one per kernel for kernels that do not hold their own.</summary>
public sealed class KernelFeatureSet : IKernelFeatures
{
    private static readonly ConditionalWeakTable<IKernel, KernelFeatureSet> PerKernel = new();

    private readonly object _gate = new();
    private readonly Dictionary<string, KernelFeature> _features = new(StringComparer.Ordinal);

    /// <summary>The set kept for <paramref name="kernel"/> (the default of <see cref="IKernel.Features"/>).</summary>
    public static KernelFeatureSet For(IKernel kernel) => PerKernel.GetValue(kernel, _ => new KernelFeatureSet());

    /// <inheritdoc/>
    public void Record(string name, string value, string howProbed, string reportedBy)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate) _features[name] = new KernelFeature(name, value, howProbed, reportedBy);
    }

    /// <inheritdoc/>
    public IReadOnlyList<KernelFeature> All
    {
        get
        {
            lock (_gate)
            {
                return _features.Values
                    .OrderBy(f => Rank(f.Name) is var i and >= 0 ? i : int.MaxValue)
                    .ThenBy(f => f.Name, StringComparer.Ordinal)
                    .ToList();
            }
        }
    }

    private static int Rank(string name)
    {
        for (int i = 0; i < KernelFeatureNames.Order.Count; i++)
            if (KernelFeatureNames.Order[i] == name) return i;
        return -1;
    }
}
