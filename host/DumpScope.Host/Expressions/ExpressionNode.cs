namespace DumpScope.Host.Expressions;

/// <summary>
/// A parsed expression: C's expression subset over dump types plus crash's per-cpu suffix
/// (<c>runqueues:1</c>, <c>runqueues:a</c>). Each node keeps its position for messages.
/// </summary>
public abstract record ExpressionNode(int Position)
{
    /// <summary>True when the expression or a part of it asks for every CPU (<c>:a</c>).</summary>
    public bool MentionsAllCpus() => this switch
    {
        PerCpu { Cpu: null } => true,
        PerCpu p => p.Operand.MentionsAllCpus() || p.Cpu!.MentionsAllCpus(),
        Unary u => u.Operand.MentionsAllCpus(),
        Binary b => b.Left.MentionsAllCpus() || b.Right.MentionsAllCpus(),
        Member m => m.Operand.MentionsAllCpus(),
        Index i => i.Operand.MentionsAllCpus() || i.Subscript.MentionsAllCpus(),
        Cast c => c.Operand.MentionsAllCpus(),
        ContainerOf c => c.Pointer.MentionsAllCpus(),
        SizeOfExpression s => s.Operand.MentionsAllCpus(),
        _ => false,
    };

    /// <summary>An integer literal.</summary>
    public sealed record Number(int Position, ulong Value) : ExpressionNode(Position);

    /// <summary>A name: a symbol, or a bare hex word when no symbol has the name.</summary>
    public sealed record Name(int Position, string Text) : ExpressionNode(Position);

    /// <summary>A prefix operator: - + ~ ! * (dereference) &amp; (address of).</summary>
    public sealed record Unary(int Position, string Operator, ExpressionNode Operand) : ExpressionNode(Position);

    /// <summary>A binary operator.</summary>
    public sealed record Binary(int Position, string Operator, ExpressionNode Left, ExpressionNode Right) : ExpressionNode(Position);

    /// <summary><c>a.b</c> or <c>a-&gt;b</c>.</summary>
    public sealed record Member(int Position, ExpressionNode Operand, string Field, bool Arrow) : ExpressionNode(Position);

    /// <summary><c>a[i]</c>.</summary>
    public sealed record Index(int Position, ExpressionNode Operand, ExpressionNode Subscript) : ExpressionNode(Position);

    /// <summary><c>(type)a</c>.</summary>
    public sealed record Cast(int Position, TypeName Type, ExpressionNode Operand) : ExpressionNode(Position);

    /// <summary><c>container_of(ptr, type, member)</c>: the pointer to the type that holds the member at ptr.</summary>
    public sealed record ContainerOf(int Position, ExpressionNode Pointer, TypeName Type, string MemberPath) : ExpressionNode(Position);

    /// <summary><c>offsetof(type, member)</c>.</summary>
    public sealed record OffsetOf(int Position, TypeName Type, string MemberPath) : ExpressionNode(Position);

    /// <summary><c>sizeof(type)</c>.</summary>
    public sealed record SizeOfType(int Position, TypeName Type) : ExpressionNode(Position);

    /// <summary><c>sizeof expr</c>.</summary>
    public sealed record SizeOfExpression(int Position, ExpressionNode Operand) : ExpressionNode(Position);

    /// <summary><c>var:cpu</c>, <c>per_cpu(var, cpu)</c>; a null <see cref="Cpu"/> is <c>:a</c> (every CPU).</summary>
    public sealed record PerCpu(int Position, ExpressionNode Operand, ExpressionNode? Cpu) : ExpressionNode(Position);
}
