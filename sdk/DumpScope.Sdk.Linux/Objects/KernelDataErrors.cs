namespace DumpScope.Sdk.Linux.Objects;

/// <summary>
/// The one test for "the dump's data could not be read or made no sense", which every helper and plugin uses
/// instead of its own exception filter. A data problem is reported (a cell, a row marker, a walk end) and the
/// command goes on; anything else is a bug and propagates.
/// </summary>
public static class KernelDataErrors
{
    /// <summary>
    /// True for the exceptions that mean bad or missing kernel data: a memory fault, malformed data, a type or
    /// member the kernel does not have (a layout the helper did not expect), an arithmetic overflow from a
    /// garbage count. False for cancellation, out-of-memory and everything else.
    /// </summary>
    public static bool IsDataProblem(Exception e) => e switch
    {
        OperationCanceledException or OutOfMemoryException => false,
        MemoryFaultException or InvalidDataException or TypeNotFoundException or KeyNotFoundException or OverflowException
            or ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidOperationException
            or NotSupportedException or FormatException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsDataProblem),
        _ => false,
    };

    /// <summary>The reason to show a user for a data problem: the fault's crash-style message, else the exception's.</summary>
    public static string Reason(Exception e) => e switch
    {
        MemoryFaultException m => m.Fault.ToString(),
        AggregateException { InnerExceptions.Count: > 0 } a => Reason(a.InnerExceptions[0]),
        _ => e.Message,
    };

    /// <summary>The memory fault behind a data problem, when it was one.</summary>
    public static MemoryFault? Fault(Exception e) => e switch
    {
        MemoryFaultException m => m.Fault,
        AggregateException { InnerExceptions.Count: > 0 } a => Fault(a.InnerExceptions[0]),
        _ => null,
    };
}
