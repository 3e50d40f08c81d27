namespace DumpScope.Host.Dumps;

/// <summary>
/// Optional ability of a dump source (test with <c>is</c>): counts page states from its index (bitmaps or
/// program headers) without reading page data.
/// </summary>
public interface IDumpPageStatistics
{
    /// <summary>Counts of present, excluded and not-in-dump frames; cheap, computed once.</summary>
    DumpPageCounts CountPages();
}
