namespace DumpScope.Host.Dumps;

/// <summary>
/// Optional ability of a dump source (test with <c>is</c>): counts page states from its index (bitmaps or
/// program headers) without reading page data.
/// </summary>
public interface IDumpPageStatistics
{
    /// <summary>Counts of present, excluded and not-in-dump frames; computed once.</summary>
    DumpPageCounts CountPages();

    /// <summary>
    /// False while <see cref="CountPages"/> would first need a pass over big bitmaps (a terabyte machine's kdump
    /// has 2 x 128 MiB of them): dumpinfo then leaves the counts out unless asked, so that it stays independent
    /// of the dump's size.
    /// </summary>
    bool CountingIsCheap => true;
}
