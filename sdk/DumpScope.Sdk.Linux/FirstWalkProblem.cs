namespace DumpScope.Sdk.Linux;

/// <summary>
/// The first problem of a walk that goes on past bad nodes (a tree walk skips the subtree it cannot read and
/// continues): later problems are dropped, so the result says where things first went wrong.
/// </summary>
internal sealed class FirstWalkProblem
{
    /// <summary>How the walk ends: <see cref="WalkEnd.Completed"/> until a problem is recorded.</summary>
    public WalkEnd End { get; private set; } = WalkEnd.Completed;

    /// <summary>The first problem's text, or null.</summary>
    public string? Text { get; private set; }

    /// <summary>Records a problem unless one was recorded already.</summary>
    public void Record(WalkEnd end, string text)
    {
        if (Text is not null) return;
        End = end;
        Text = text;
    }

    /// <summary>The walk's result: <paramref name="items"/> with the first problem, if any.</summary>
    public WalkResult<T> Result<T>(IReadOnlyList<T> items) => new(items, End, Text);
}
