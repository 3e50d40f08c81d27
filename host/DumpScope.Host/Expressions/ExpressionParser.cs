namespace DumpScope.Host.Expressions;

/// <summary>
/// A recursive-descent parser for the expressions of <c>p</c>, <c>struct</c>, <c>rd</c> and <c>eval</c>:
/// C's operators with C's precedence (postfix <c>[] . -&gt;</c>, prefix <c>- + ! ~ * &amp; sizeof</c> and casts,
/// then <c>* / %</c>, <c>+ -</c>, shifts, comparisons, <c>&amp; ^ |</c>, <c>&amp;&amp; ||</c>), plus
/// <c>container_of</c>, <c>offsetof</c>, <c>per_cpu(v, cpu)</c> and crash's <c>v:cpu</c> / <c>v:a</c>.
/// </summary>
/// <remarks>
/// Hand-written rather than a parser library (none is a project dependency, and none would fit better): the
/// grammar is small, but a C cast is only recognisable with the dump's type names ("(page *)x" is a cast
/// because the kernel has a page type, "(jiffies)" is not), messages must name the column, and bad input
/// must only ever produce a <see cref="UsageException"/> (nesting is bounded, so no stack overflow).
/// </remarks>
public sealed class ExpressionParser
{
    /// <summary>Deepest nesting of parentheses and prefix operators accepted.</summary>
    public const int MaxDepth = 200;

    private static readonly HashSet<string> BaseTypeWords = ["void", "char", "short", "int", "long", "signed", "unsigned", "_Bool", "bool", "float", "double"];
    private static readonly HashSet<string> Qualifiers = ["const", "volatile", "restrict", "__restrict"];
    private static readonly string[][] Levels =
    [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ];

    private readonly string _text;
    private readonly List<ExpressionToken> _tokens;
    private readonly Func<string, bool> _isTypeName;
    private readonly Func<string, bool> _isSymbol;
    private int _next;
    private int _depth;

    private ExpressionParser(string text, Func<string, bool> isTypeName, Func<string, bool> isSymbol)
    {
        _text = text;
        _tokens = ExpressionLexer.Tokenize(text);
        _isTypeName = isTypeName;
        _isSymbol = isSymbol;
    }

    /// <summary>
    /// Parses <paramref name="text"/>. <paramref name="isTypeName"/> says whether a bare word names a type
    /// (typedef, struct…), <paramref name="isSymbol"/> whether it names a symbol: together they tell a cast
    /// "(page *)x" from a parenthesised operand "(jiffies)".
    /// </summary>
    /// <exception cref="UsageException">The text is not an expression; the message names the column.</exception>
    public static ExpressionNode Parse(string text, Func<string, bool>? isTypeName = null, Func<string, bool>? isSymbol = null)
    {
        var parser = new ExpressionParser(text, isTypeName ?? (_ => false), isSymbol ?? (_ => false));
        if (parser.Peek.Kind == ExpressionTokenKind.End) throw new UsageException("an expression is required");
        var node = parser.ParseExpression();
        if (parser.Peek.Kind != ExpressionTokenKind.End) throw parser.Error(parser.Peek, $"unexpected {parser.Peek.Describe()} after a complete expression");
        return node;
    }

    /// <summary>Parses a C type name alone ("struct page *", "unsigned long [3]", "atomic_long_t").</summary>
    /// <exception cref="UsageException">The text is not a type name.</exception>
    public static TypeName ParseTypeName(string text, Func<string, bool>? isTypeName = null)
    {
        var parser = new ExpressionParser(text, isTypeName ?? (_ => true), _ => false);
        if (!parser.StartsTypeName(0, allowAnyName: true)) throw parser.Error(parser.Peek, $"expected a type name, found {parser.Peek.Describe()}");
        var type = parser.ParseType();
        if (parser.Peek.Kind != ExpressionTokenKind.End) throw parser.Error(parser.Peek, $"unexpected {parser.Peek.Describe()} after the type name");
        return type;
    }

    private ExpressionToken Peek => _tokens[_next];

    private ExpressionToken PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private ExpressionToken Take() => _tokens[_next < _tokens.Count - 1 ? _next++ : _next];

    private UsageException Error(ExpressionToken at, string message) => ExpressionLexer.Error(_text, at.Position, message);

    private void Expect(string punctuation, string what)
    {
        if (!Peek.Is(punctuation)) throw Error(Peek, $"expected '{punctuation}' {what}, found {Peek.Describe()}");
        Take();
    }

    private string ExpectIdentifier(string what)
    {
        if (Peek.Kind != ExpressionTokenKind.Identifier) throw Error(Peek, $"expected {what}, found {Peek.Describe()}");
        return Take().Text;
    }

    private ExpressionNode ParseExpression() => ParseBinary(0);

    private ExpressionNode ParseBinary(int level)
    {
        if (level == Levels.Length) return ParseUnary();
        var left = ParseBinary(level + 1);
        while (Peek.Kind == ExpressionTokenKind.Punctuation && Levels[level].Contains(Peek.Text))
        {
            var op = Take();
            if (Peek.Kind == ExpressionTokenKind.End) throw Error(Peek, $"'{op.Text}' needs an operand after it");
            var right = ParseBinary(level + 1);
            left = new ExpressionNode.Binary(op.Position, op.Text, left, right);
        }
        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (++_depth > MaxDepth) throw Error(Peek, $"the expression nests deeper than {MaxDepth} levels");
        try
        {
            var token = Peek;
            if (token.Kind == ExpressionTokenKind.Punctuation && token.Text is "-" or "+" or "~" or "!" or "*" or "&")
            {
                Take();
                if (Peek.Kind == ExpressionTokenKind.End) throw Error(Peek, $"'{token.Text}' needs an operand after it");
                return new ExpressionNode.Unary(token.Position, token.Text, ParseUnary());
            }
            if (token is { Kind: ExpressionTokenKind.Identifier, Text: "sizeof" })
            {
                Take();
                if (Peek.Is("(") && StartsTypeName(1, allowAnyName: false))
                {
                    Take();
                    var type = ParseType();
                    Expect(")", "after the type in sizeof");
                    return new ExpressionNode.SizeOfType(token.Position, type);
                }
                return new ExpressionNode.SizeOfExpression(token.Position, ParseUnary());
            }
            if (token.Is("(") && StartsTypeName(1, allowAnyName: false))
            {
                Take();
                var type = ParseType();
                Expect(")", "to close the cast");
                if (Peek.Kind == ExpressionTokenKind.End) throw Error(Peek, $"the cast to {type} needs an operand after it");
                return new ExpressionNode.Cast(token.Position, type, ParseUnary());
            }
            return ParsePostfix(ParsePrimary());
        }
        finally
        {
            _depth--;
        }
    }

    private ExpressionNode ParsePostfix(ExpressionNode node)
    {
        while (true)
        {
            var token = Peek;
            if (token.Is(".") || token.Is("->"))
            {
                Take();
                var field = ExpectIdentifier($"a member name after '{token.Text}'");
                node = new ExpressionNode.Member(token.Position, node, field, token.Text == "->");
            }
            else if (token.Is("["))
            {
                Take();
                var subscript = ParseNested();
                Expect("]", "to close the subscript");
                node = new ExpressionNode.Index(token.Position, node, subscript);
            }
            else if (token.Is(":"))
            {
                Take();
                if (Peek is { Kind: ExpressionTokenKind.Identifier, Text: "a" or "all" })
                {
                    Take();
                    node = new ExpressionNode.PerCpu(token.Position, node, null);
                }
                else if (Peek.Kind == ExpressionTokenKind.Number)
                {
                    var cpu = Take();
                    node = new ExpressionNode.PerCpu(token.Position, node, new ExpressionNode.Number(cpu.Position, cpu.Number));
                }
                else throw Error(Peek, $"expected a CPU number or 'a' (all CPUs) after ':', found {Peek.Describe()}");
            }
            else return node;
        }
    }

    private ExpressionNode ParseNested()
    {
        if (++_depth > MaxDepth) throw Error(Peek, $"the expression nests deeper than {MaxDepth} levels");
        try
        {
            return ParseExpression();
        }
        finally
        {
            _depth--;
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case ExpressionTokenKind.Number:
                Take();
                return new ExpressionNode.Number(token.Position, token.Number);
            case ExpressionTokenKind.Identifier when token.Text is "container_of" or "offsetof" or "per_cpu" && PeekAt(1).Is("("):
                return ParseBuiltin();
            case ExpressionTokenKind.Identifier when token.Text is "struct" or "union" or "enum" or "sizeof" || BaseTypeWords.Contains(token.Text) || Qualifiers.Contains(token.Text):
                throw Error(token, $"expected an operand, found the type word '{token.Text}' (a type goes in a cast: (struct T *)ADDR, or sizeof(T))");
            case ExpressionTokenKind.Identifier:
                Take();
                return new ExpressionNode.Name(token.Position, token.Text);
            case ExpressionTokenKind.Punctuation when token.Text == "(":
                Take();
                if (Peek.Is(")")) throw Error(Peek, "empty parentheses");
                var inner = ParseNested();
                Expect(")", "to close the parenthesis");
                return inner;
            case ExpressionTokenKind.End:
                throw Error(token, "the expression ends where an operand was expected");
            default:
                throw Error(token, $"expected an operand (a number, a symbol or '('), found {token.Describe()}");
        }
    }

    private ExpressionNode ParseBuiltin()
    {
        var name = Take();
        Expect("(", $"after {name.Text}");
        ExpressionNode result;
        switch (name.Text)
        {
            case "container_of":
            {
                var pointer = ParseNested();
                Expect(",", "after container_of's pointer");
                var type = ParseRequiredType("container_of's type");
                Expect(",", "after container_of's type");
                result = new ExpressionNode.ContainerOf(name.Position, pointer, type, ParseMemberPath());
                break;
            }
            case "offsetof":
            {
                var type = ParseRequiredType("offsetof's type");
                Expect(",", "after offsetof's type");
                result = new ExpressionNode.OffsetOf(name.Position, type, ParseMemberPath());
                break;
            }
            default:
            {
                var variable = ParseNested();
                Expect(",", "after per_cpu's variable");
                result = new ExpressionNode.PerCpu(name.Position, variable, ParseNested());
                break;
            }
        }
        Expect(")", $"to close {name.Text}");
        return result;
    }

    private TypeName ParseRequiredType(string what)
    {
        if (!StartsTypeName(0, allowAnyName: true)) throw Error(Peek, $"expected {what}, found {Peek.Describe()}");
        return ParseType();
    }

    /// <summary>A member designator as C's offsetof takes it: "list", "se.run_node", "pages[2].lru".</summary>
    private string ParseMemberPath()
    {
        var path = new StringBuilder(ExpectIdentifier("a member name"));
        while (true)
        {
            if (Peek.Is("."))
            {
                Take();
                path.Append('.').Append(ExpectIdentifier("a member name after '.'"));
            }
            else if (Peek.Is("["))
            {
                Take();
                if (Peek.Kind != ExpressionTokenKind.Number) throw Error(Peek, $"expected a constant index, found {Peek.Describe()}");
                path.Append('[').Append(Take().Number.ToString(CultureInfo.InvariantCulture)).Append(']');
                Expect("]", "to close the index");
            }
            else return path.ToString();
        }
    }

    /// <summary>
    /// Whether the tokens from <paramref name="ahead"/> start a type name: a type keyword, or (in a cast) a
    /// name the catalog knows as a type that is followed by '*' or by ')' while not also being a symbol.
    /// </summary>
    private bool StartsTypeName(int ahead, bool allowAnyName)
    {
        var token = PeekAt(ahead);
        if (token.Kind != ExpressionTokenKind.Identifier) return false;
        if (token.Text is "struct" or "union" or "enum" || BaseTypeWords.Contains(token.Text) || Qualifiers.Contains(token.Text)) return true;
        if (!_isTypeName(token.Text)) return false;
        if (allowAnyName) return true;
        var after = PeekAt(ahead + 1);
        return after.Is("*") || after.Is("[") || (after.Is(")") && !_isSymbol(token.Text));
    }

    private TypeName ParseType()
    {
        var start = Peek;
        while (Peek.Kind == ExpressionTokenKind.Identifier && Qualifiers.Contains(Peek.Text)) Take();
        string baseName;
        if (Peek is { Kind: ExpressionTokenKind.Identifier, Text: "struct" or "union" or "enum" })
        {
            var keyword = Take().Text;
            baseName = keyword + " " + ExpectIdentifier($"a name after '{keyword}'");
        }
        else if (Peek.Kind == ExpressionTokenKind.Identifier && BaseTypeWords.Contains(Peek.Text))
        {
            var words = new List<string>();
            while (Peek.Kind == ExpressionTokenKind.Identifier && (BaseTypeWords.Contains(Peek.Text) || Qualifiers.Contains(Peek.Text)))
            {
                var word = Take().Text;
                if (!Qualifiers.Contains(word)) words.Add(word);
            }
            baseName = string.Join(' ', words);
        }
        else baseName = ExpectIdentifier("a type name");

        int pointers = 0;
        while (Peek.Is("*") || (Peek.Kind == ExpressionTokenKind.Identifier && Qualifiers.Contains(Peek.Text)))
            if (Take().Is("*")) pointers++;
        var lengths = new List<ulong?>();
        while (Peek.Is("["))
        {
            Take();
            if (Peek.Is("]")) lengths.Add(null);
            else if (Peek.Kind == ExpressionTokenKind.Number) lengths.Add(Take().Number);
            else throw Error(Peek, $"expected an array length, found {Peek.Describe()}");
            Expect("]", "to close the array length");
        }
        return new TypeName(baseName, pointers, lengths, start.Position);
    }
}
