using DumpScope.Sdk.Linux.Slab;
using DumpScope.Sdk.Linux.Tests.Objects;

namespace DumpScope.Sdk.Linux.Tests.Features;

/// <summary>The helpers record what they probed in the kernel features (dumpinfo's KERNEL FEATURES, sys -v).</summary>
public sealed class ProbedFeaturesTests
{
    [SkippableFact]
    public void Probing_the_allocator_and_the_task_layout_records_them_on_kd1()
    {
        var kernel = FixtureKernels.Kd1;
        SlabHelpers.SlabAllocatorOf(kernel).Name.Should().Be("SLUB");
        TaskStructLayout.Of(kernel);

        var features = kernel.Features.All.ToDictionary(f => f.Name);
        features[KernelFeatureNames.Allocator].Value.Should().Be("SLUB");
        features[KernelFeatureNames.Allocator].HowProbed.Should().NotBeNullOrWhiteSpace();
        features[KernelFeatureNames.TaskState].Value.Should().StartWith("task_struct.__state");
    }
}
