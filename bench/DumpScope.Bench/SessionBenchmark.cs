using System.Reflection;
using BenchmarkDotNet.Attributes;
using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Bench;

/// <summary>
/// A benchmark over one fixture dump opened with one plugin in-process: the session is opened once before the
/// measurements, with <paramref name="warmUp"/> run on it so that warm benchmarks see what a user's second
/// command sees, and closed after them. <see cref="Open"/> gives cold benchmarks a new session of their own.
/// </summary>
/// <param name="dump">The fixture's path (a <see cref="Fixtures"/> property, read when the benchmark starts).</param>
/// <param name="plugin">The plugin's assembly.</param>
/// <param name="warmUp">Command lines run once after opening; a failure stops the benchmark.</param>
public abstract class SessionBenchmark(Func<string> dump, Assembly plugin, params string[] warmUp)
{
    /// <summary>The session the warm benchmarks run on.</summary>
    protected DumpScopeSession Session { get; private set; } = null!;

    /// <summary>The session's kernel.</summary>
    protected IKernel Kernel => Session.Kernel();

    /// <summary>A new session over the same dump with the same plugin.</summary>
    protected DumpScopeSession Open() => FixtureSession.Open(dump(), plugin);

    /// <summary>Opens the session and runs the warm-up commands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Session = Open();
        foreach (var line in warmUp)
            if (Session.Run(line) is { Failed: true } result) throw new InvalidOperationException($"{line} failed on {Session.DumpPath}: {result.Error}");
        Opened();
    }

    /// <summary>Runs after the session opened and warmed up: where a benchmark takes what it measures from the session.</summary>
    protected virtual void Opened()
    {
    }

    /// <summary>Closes the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => Session.Dispose();
}
