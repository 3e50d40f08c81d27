namespace DumpScope.Plugins.Diff.Commands;

/// <summary>How diff's result is laid out: the new dump's name, the cache ranking, chart size, and whether unchanged rows show.</summary>
public sealed record DiffView(string NewDump, DiffSort Sort, int Top, bool All, bool SameBoot);
