using System.IO.Enumeration;

namespace DumpScope.Fleet.Batch;

/// <summary>
/// The dumps that PATH arguments name: a file as given; a folder: the files under it (recursively) that start like
/// a dump (ELF, kdump-compressed, flattened); a glob (<c>*</c>, <c>?</c>, <c>**</c> for any folders): the files it
/// matches, filtered like a folder's. Sorted, each once.
/// </summary>
public static class DumpPaths
{
    /// <summary>Expands <paramref name="arguments"/>; problems (nothing matched, no such file) are returned, not thrown.</summary>
    public static (IReadOnlyList<string> Dumps, IReadOnlyList<string> Problems) Expand(IEnumerable<string> arguments)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var argument in arguments)
        {
            int matched = 0;
            if (File.Exists(argument)) found.Add(Path.GetFullPath(argument));
            else if (Directory.Exists(argument))
            {
                foreach (var f in Directory.EnumerateFiles(argument, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
                {
                    if (!LooksLikeDump(f)) continue;
                    found.Add(Path.GetFullPath(f));
                    matched++;
                }
                if (matched == 0) problems.Add($"{argument}: no dump files in this folder");
            }
            else if (argument.IndexOfAny(['*', '?']) >= 0)
            {
                foreach (var f in Glob(argument))
                {
                    if (!LooksLikeDump(f)) continue;
                    found.Add(f);
                    matched++;
                }
                if (matched == 0) problems.Add($"{argument}: matches no dump file");
            }
            else problems.Add($"{argument}: no such file or folder");
        }
        return (found.ToList(), problems);
    }

    /// <summary>The files a pattern matches: the part before the first wildcard segment is the folder searched.</summary>
    public static IEnumerable<string> Glob(string pattern)
    {
        var full = Path.GetFullPath(pattern);
        var segments = full.Split(Path.DirectorySeparatorChar);
        int first = Array.FindIndex(segments, s => s.IndexOfAny(['*', '?']) >= 0);
        var root = string.Join(Path.DirectorySeparatorChar, segments[..first]);
        if (root.Length == 0) root = Path.DirectorySeparatorChar.ToString();
        if (!Directory.Exists(root)) yield break;
        var rest = segments[first..];
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            var relative = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
            if (Matches(rest, relative)) yield return file;
        }
    }

    private static bool Matches(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        if (pattern.IsEmpty) return path.IsEmpty;
        if (pattern[0] == "**")
        {
            for (int skip = 0; skip <= path.Length; skip++)
                if (Matches(pattern[1..], path[skip..])) return true;
            return false;
        }
        return !path.IsEmpty && FileSystemName.MatchesSimpleExpression(pattern[0], path[0], ignoreCase: false) && Matches(pattern[1..], path[1..]);
    }

    /// <summary>True when the file starts with a dump format's magic (ELF, "KDUMP   ", "makedumpfile" flattened, diskdump).</summary>
    public static bool LooksLikeDump(string path)
    {
        try
        {
            Span<byte> head = stackalloc byte[16];
            using var file = File.OpenRead(path);
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            return head.StartsWith("\u007fELF"u8) || head.StartsWith("KDUMP   "u8) || head.StartsWith("DISKDUMP"u8) || head.StartsWith("makedumpfile"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
