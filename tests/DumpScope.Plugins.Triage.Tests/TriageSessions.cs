using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>Sessions over the real dumps with only the triage plugin, opened on first use and shared by a collection.</summary>
public sealed class TriageSessions() : FixtureSessions(typeof(TriagePlugin).Assembly);

/// <summary>The tests sharing the triage sessions.</summary>
[CollectionDefinition("triage dumps")]
public sealed class TriageDumpsCollection : ICollectionFixture<TriageSessions>;
