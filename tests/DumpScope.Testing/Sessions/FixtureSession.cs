using System.Reflection;
using DumpScope.Host.Session;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Testing.Sessions;

/// <summary>
/// Opens a session over a dump with only the given plugins, loaded in-process from their assemblies (the
/// folder beside the executable is not searched): how plugin tests run commands against real dumps. Pass
/// paths from <see cref="Fixtures"/>, so a missing fixture skips the test.
/// </summary>
public static class FixtureSession
{
    /// <summary>A session over <paramref name="dump"/> with <paramref name="plugins"/>.</summary>
    public static DumpScopeSession Open(string dump, params Assembly[] plugins) => Open(new SessionOptions { DumpPath = dump }, plugins);

    /// <summary>A session with <paramref name="options"/> (dump, symbol and type sources), with <paramref name="plugins"/> only.</summary>
    public static DumpScopeSession Open(SessionOptions options, params Assembly[] plugins) =>
        DumpScopeSession.Create(options with { SearchDefaultPluginDirectory = false, InProcessPlugins = plugins });

    /// <summary>The session's kernel (the test fails when the kernel could not be read).</summary>
    public static IKernel Kernel(this DumpScopeSession session) =>
        session.Services.GetService<IKernel>() ?? throw new InvalidOperationException($"no kernel in {session.DumpPath}: {session.KernelProblem}");
}

/// <summary>
/// One session opened on first use and shared by the tests of a class (<c>IClassFixture</c>) or a collection
/// (<c>ICollectionFixture</c>): opening a dump reads kallsyms and BTF from it once. Derive with the dump and
/// the plugins; tests that touch <see cref="Session"/> inside a [SkippableFact] skip when the fixture is missing.
/// </summary>
public abstract class SharedFixtureSession(Func<string> dump, params Assembly[] plugins) : IDisposable
{
    private readonly Lazy<DumpScopeSession> _session = new(() => FixtureSession.Open(dump(), plugins));

    /// <summary>The shared session.</summary>
    public DumpScopeSession Session => _session.Value;

    /// <summary>The session's kernel.</summary>
    public IKernel Kernel => Session.Kernel();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Sessions over several fixture dumps with the same plugins (none for tests of the SDK's helpers), each opened on
/// first use and kept until disposed: a collection fixture, or a static cache kept for the whole test run.
/// </summary>
public class FixtureSessionCache(params Assembly[] plugins) : IDisposable
{
    private readonly Dictionary<string, DumpScopeSession> _sessions = [];

    /// <summary>The session over the fixture <paramref name="relative"/> ("kd3/vmcore.kdump-zlib-d31"); skips when it is absent.</summary>
    public DumpScopeSession Session(string relative)
    {
        string path = Fixtures.Require(relative);
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(path, out var session))
                _sessions[path] = session = FixtureSession.Open(path, plugins);
            return session;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_sessions)
        {
            foreach (var session in _sessions.Values) session.Dispose();
            _sessions.Clear();
        }
        GC.SuppressFinalize(this);
    }
}
