namespace DumpScope.Host.Types;

/// <summary>Member paths as C writes them: "kobj.name", "node[3]", "list.next".</summary>
internal static class StructPaths
{
    /// <summary>A member name appended to a path.</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>True when <paramref name="path"/> is <paramref name="member"/> or lies inside it.</summary>
    public static bool IsWithin(string path, string member) =>
        path.StartsWith(member, StringComparison.Ordinal) &&
        (path.Length == member.Length || path[member.Length] is '.' or '[');
}
