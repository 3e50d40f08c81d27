namespace DumpScope.Sdk.Linux;

/// <summary>The nodes a walk reached and how it ended: partial results are data, not exceptions.</summary>
/// <typeparam name="T">Node representation (addresses or typed objects).</typeparam>
public sealed class WalkResult<T>
{
    /// <summary>Creates a result.</summary>
    public WalkResult(IReadOnlyList<T> items, WalkEnd end, string? problem)
    {
        Items = items;
        End = end;
        Problem = problem;
    }

    /// <summary>The nodes reached, in order.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>How the walk ended.</summary>
    public WalkEnd End { get; }

    /// <summary>A message when the walk did not complete normally.</summary>
    public string? Problem { get; }

    /// <summary>True when the walk completed normally.</summary>
    public bool IsComplete => End == WalkEnd.Completed;

    /// <summary>The same walk with nodes mapped to another form.</summary>
    public WalkResult<TOut> Select<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToArray(), End, Problem);
}
