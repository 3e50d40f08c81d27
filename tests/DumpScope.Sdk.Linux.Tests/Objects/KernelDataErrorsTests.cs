namespace DumpScope.Sdk.Linux.Tests.Objects;

public sealed class KernelDataErrorsTests
{
    [Fact]
    public void Memory_faults_and_malformed_data_are_data_problems_with_their_reason()
    {
        var fault = new MemoryFault(0xffff888000001000, MemoryFaultKind.Excluded, false, "kmem_cache");
        var e = new MemoryFaultException(fault);
        KernelDataErrors.IsDataProblem(e).Should().BeTrue();
        KernelDataErrors.Reason(e).Should().Be(fault.Message);
        KernelDataErrors.Fault(e).Should().BeSameAs(fault);
        KernelDataErrors.IsDataProblem(new InvalidDataException("bad")).Should().BeTrue();
        KernelDataErrors.IsDataProblem(new TypeNotFoundException("no struct slab")).Should().BeTrue();
        KernelDataErrors.IsDataProblem(new AggregateException(e, new InvalidDataException("x"))).Should().BeTrue();
    }

    [Fact]
    public void Cancellation_and_bugs_are_not_data_problems()
    {
        KernelDataErrors.IsDataProblem(new OperationCanceledException()).Should().BeFalse();
        KernelDataErrors.IsDataProblem(new NullReferenceException()).Should().BeFalse();
        KernelDataErrors.IsDataProblem(new AggregateException(new NullReferenceException())).Should().BeFalse();
    }
}
