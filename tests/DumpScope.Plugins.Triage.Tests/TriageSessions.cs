using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>Sessions over the real dumps with only the triage plugin, opened on first use and shared by a collection.</summary>
public sealed class TriageSessions : IDisposable
{
    private readonly Dictionary<string, DumpScopeSession> _sessions = [];

    /// <summary>The session over a fixture dump (skips when it is absent).</summary>
    public DumpScopeSession Session(string relative)
    {
        string path = Fixtures.Require(relative);
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(path, out var session))
                _sessions[path] = session = FixtureSession.Open(path, typeof(TriagePlugin).Assembly);
            return session;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var session in _sessions.Values) session.Dispose();
    }
}

/// <summary>The tests sharing the triage sessions.</summary>
[CollectionDefinition("triage dumps")]
public sealed class TriageDumpsCollection : ICollectionFixture<TriageSessions>;
