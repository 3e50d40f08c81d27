namespace DumpScope.Host.Expressions;

/// <summary>What an <see cref="ExpressionToken"/> is.</summary>
public enum ExpressionTokenKind
{
    /// <summary>The end of the text.</summary>
    End,
    /// <summary>An integer literal (decimal, 0x hex, 0o octal, 0b binary, optional k/m/g/t size suffix).</summary>
    Number,
    /// <summary>A name: a symbol, a type word, a member or a keyword.</summary>
    Identifier,
    /// <summary>An operator or punctuation ("->", "&lt;&lt;", "(", ",").</summary>
    Punctuation,
}
