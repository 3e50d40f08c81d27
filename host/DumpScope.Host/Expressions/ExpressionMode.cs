namespace DumpScope.Host.Expressions;

/// <summary>What a symbol as written stands for.</summary>
public enum ExpressionMode
{
    /// <summary>C's meaning (<c>p</c>, <c>eval</c>): a symbol is its object; <c>jiffies + 1</c> adds to its value.</summary>
    Value,
    /// <summary>
    /// crash's meaning for an address argument (<c>rd</c>, <c>struct T ADDR</c>): a symbol in arithmetic is its
    /// address, so <c>init_task+0x10</c> is 16 bytes into init_task.
    /// </summary>
    Address,
}
