namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>The real fixture dumps opened once per test run (no plugins: the helpers read the kernel directly).</summary>
internal static class FixtureKernels
{
    private static readonly FixtureSessionCache Sessions = new();

    /// <summary>kd1 (6.1, 2 CPUs, kdump zlib).</summary>
    public static IKernel Kd1 => Open("kd1/vmcore.kdump-zlib-d31");

    /// <summary>kd3 (6.1, 4 CPUs, a task in every state).</summary>
    public static IKernel Kd3 => Open("kd3/vmcore.kdump-zlib-d31");

    /// <summary>The path of a fixture file (skips when absent).</summary>
    public static string File(string relative) => Fixtures.Require(relative);

    private static IKernel Open(string relative) => Sessions.Session(relative).Kernel();
}
