namespace DumpScope.Fleet.Tests;

/// <summary>A test with a temporary folder of its own, deleted after it (SQLite's pooled connections closed first: they hold the files open).</summary>
public abstract class TempFolderTest : IDisposable
{
    /// <summary>The folder.</summary>
    protected DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("dumpscope-fleet-test-");

    /// <inheritdoc/>
    public virtual void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
