using DumpScope.Host.Rendering;
namespace DumpScope.Tui.Model;

/// <summary>Formats the navigation path ("kmem -s › kmem -S kmalloc-64"), cutting from the left when it is too wide.</summary>
internal static class Breadcrumbs
{
    /// <summary>Separator between steps.</summary>
    public const string Separator = " › ";

    /// <summary>The path in <paramref name="width"/> characters; the newest steps are kept.</summary>
    public static string Format(IReadOnlyList<string> path, int width)
    {
        if (path.Count == 0 || width <= 0)
            return "";
        var full = string.Join(Separator, path);
        if (full.Length <= width)
            return full;
        for (var skip = 1; skip < path.Count; skip++)
        {
            var text = "…" + Separator + string.Join(Separator, path.Skip(skip));
            if (text.Length <= width)
                return text;
        }
        return CellFormatter.Shorten(path[^1], width);
    }
}
