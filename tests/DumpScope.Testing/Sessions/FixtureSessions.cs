using System.Reflection;
using DumpScope.Host.Session;

namespace DumpScope.Testing.Sessions;

/// <summary>
/// Sessions over several fixture dumps with the given in-process plugins, each opened on first use and kept until
/// disposed: an xunit collection fixture for test classes that visit many dumps.
/// </summary>
/// <param name="plugins">The plugin assemblies each session loads.</param>
public class FixtureSessions(params Assembly[] plugins) : IDisposable
{
    private readonly Dictionary<string, DumpScopeSession> _sessions = [];

    /// <summary>The session over a fixture dump (skips the test when it is absent).</summary>
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
