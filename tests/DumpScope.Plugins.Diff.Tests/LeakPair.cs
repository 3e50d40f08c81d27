using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Diff.Tests;

/// <summary>
/// leak/: dump A opened with the diff plugin, and the result of <c>diff B</c> on it, computed once for the class
/// (the two dumps are decompressed into the kit's cache the first time).
/// </summary>
public sealed class LeakPair : IDisposable
{
    private readonly Lazy<DumpScopeSession> _session = new(() => FixtureSession.Open(Fixtures.LeakDumpA, typeof(DiffPlugin).Assembly));
    private readonly Lazy<CommandResult> _diff;

    public LeakPair() => _diff = new Lazy<CommandResult>(() => Session.Run($"diff {Fixtures.LeakDumpB}"));

    public DumpScopeSession Session => _session.Value;

    public CommandResult Diff => _diff.Value;

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}
