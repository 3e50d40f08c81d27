using System.Security.Cryptography;

namespace DumpScope.Fleet.Triage;

/// <summary>
/// A dump's identity: SHA-256 of the whole file, streamed. A sampled hash (size, header, some blocks) would be
/// faster on multi-GB dumps but could call two different dumps the same, and then the second crash would be
/// skipped as "already triaged" — silently, the one failure a fleet store must not have. The full hash costs one
/// sequential read (SHA-NI hashes faster than most disks read; docs/fleet.md has the numbers).
/// </summary>
public static class DumpHash
{
    /// <summary>"sha256:" and 64 hex digits of the file's contents.</summary>
    public static string Of(string path, CancellationToken cancellation = default)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
