namespace DumpScope.Host.Tests.Dumps;

/// <summary>A synthetic dump written to a temporary file, deleted on dispose.</summary>
internal sealed class TempDumpFile : IDisposable
{
    public TempDumpFile(byte[] bytes, string name = "dump")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dumpscope-{name}-{Guid.NewGuid():N}");
        File.WriteAllBytes(Path, bytes);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { }
    }
}
