namespace DumpScope.Host.Expressions;

/// <summary>One token of an expression.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its text as written.</param>
/// <param name="Position">Its 0-based position in the expression (messages show it 1-based, as a column).</param>
/// <param name="Number">The value of a <see cref="ExpressionTokenKind.Number"/>.</param>
public readonly record struct ExpressionToken(ExpressionTokenKind Kind, string Text, int Position, ulong Number = 0)
{
    /// <summary>True for this punctuation.</summary>
    public bool Is(string punctuation) => Kind == ExpressionTokenKind.Punctuation && Text == punctuation;

    /// <summary>How a message names the token.</summary>
    public string Describe() => Kind == ExpressionTokenKind.End ? "the end" : $"'{Text}'";
}
