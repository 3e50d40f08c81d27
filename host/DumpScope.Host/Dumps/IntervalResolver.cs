namespace DumpScope.Host.Dumps;

/// <summary>
/// Turns possibly overlapping intervals into disjoint pieces, each owned by the highest-priority interval
/// covering it. Used for flattened files (a later record overrides an earlier one) and ELF program headers
/// (a range with file data wins over the same range described as excluded). O(n log n) sweep.
/// </summary>
internal static class IntervalResolver
{
    /// <summary>An input interval [Start, End) with a priority; Id is returned with the pieces it wins.</summary>
    public readonly record struct Interval(long Start, long End, long Priority, int Id);

    /// <summary>A disjoint output piece [Start, End) won by interval <see cref="Id"/>.</summary>
    public readonly record struct Piece(long Start, long End, int Id);

    public static List<Piece> Resolve(IReadOnlyList<Interval> intervals)
    {
        var pieces = new List<Piece>();
        if (intervals.Count == 0) return pieces;

        // Fast path: already sorted and disjoint (the common case for well-behaved files).
        bool disjoint = true;
        for (int i = 0; i < intervals.Count && disjoint; i++)
        {
            if (intervals[i].End < intervals[i].Start) disjoint = false;
            else if (i > 0 && intervals[i].Start < intervals[i - 1].End) disjoint = false;
        }
        if (disjoint)
        {
            foreach (var iv in intervals)
                if (iv.End > iv.Start) pieces.Add(new Piece(iv.Start, iv.End, iv.Id));
            return pieces;
        }

        var events = new (long At, bool IsStart, int Index)[intervals.Count * 2];
        int e = 0;
        for (int i = 0; i < intervals.Count; i++)
        {
            if (intervals[i].End <= intervals[i].Start) continue;
            events[e++] = (intervals[i].Start, true, i);
            events[e++] = (intervals[i].End, false, i);
        }
        Array.Sort(events, 0, e, Comparer<(long At, bool IsStart, int Index)>.Create((a, b) => a.At.CompareTo(b.At)));

        var active = new PriorityQueue<int, (long Priority, int Index)>(
            Comparer<(long Priority, int Index)>.Create((a, b) =>
            {
                int c = b.Priority.CompareTo(a.Priority);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            }));
        var ended = new bool[intervals.Count];
        int k = 0;
        while (k < e)
        {
            long at = events[k].At;
            for (; k < e && events[k].At == at; k++)
            {
                if (events[k].IsStart) active.Enqueue(events[k].Index, (intervals[events[k].Index].Priority, events[k].Index));
                else ended[events[k].Index] = true;
            }
            while (active.Count > 0 && ended[active.Peek()]) active.Dequeue();
            if (active.Count == 0 || k >= e) continue;
            long next = events[k].At;
            int winner = active.Peek();
            int id = intervals[winner].Id;
            if (pieces.Count > 0 && pieces[^1].Id == id && pieces[^1].End == at)
                pieces[^1] = pieces[^1] with { End = next };
            else
                pieces.Add(new Piece(at, next, id));
        }
        return pieces;
    }
}
