using DumpScope.Host.Expressions;
using N = DumpScope.Host.Expressions.ExpressionNode;

namespace DumpScope.Host.Tests.Expressions;

/// <summary>The expression grammar on its own: precedence, casts, crash's suffixes, and errors that name the column.</summary>
public class ExpressionParserTests
{
    private static N Parse(string text) =>
        ExpressionParser.Parse(text, name => name is "page" or "u64" or "atomic_t", name => name is "jiffies" or "page");

    /// <summary>A compact rendering of a tree, fully parenthesised.</summary>
    private static string Show(N node) => node switch
    {
        N.Number n => n.Value.ToString(CultureInfo.InvariantCulture),
        N.Name n => n.Text,
        N.Unary u => $"({u.Operator}{Show(u.Operand)})",
        N.Binary b => $"({Show(b.Left)} {b.Operator} {Show(b.Right)})",
        N.Member m => $"({Show(m.Operand)}{(m.Arrow ? "->" : ".")}{m.Field})",
        N.Index i => $"({Show(i.Operand)}[{Show(i.Subscript)}])",
        N.Cast c => $"(({c.Type}){Show(c.Operand)})",
        N.ContainerOf c => $"container_of({Show(c.Pointer)}, {c.Type}, {c.MemberPath})",
        N.OffsetOf o => $"offsetof({o.Type}, {o.MemberPath})",
        N.SizeOfType s => $"sizeof({s.Type})",
        N.SizeOfExpression s => $"sizeof {Show(s.Operand)}",
        N.PerCpu p => $"({Show(p.Operand)}:{(p.Cpu is null ? "a" : Show(p.Cpu))})",
        _ => "?",
    };

    [Theory]
    [InlineData("1 + 2 * 3", "(1 + (2 * 3))")]
    [InlineData("(1 + 2) * 3", "((1 + 2) * 3)")]
    [InlineData("1 - 2 - 3", "((1 - 2) - 3)")]
    [InlineData("1 << 2 + 3", "(1 << (2 + 3))")]
    [InlineData("a & b == c", "(a & (b == c))")]
    [InlineData("a | b ^ c & d", "(a | (b ^ (c & d)))")]
    [InlineData("a || b && c", "(a || (b && c))")]
    [InlineData("a < b == c > d", "((a < b) == (c > d))")]
    [InlineData("-a * b", "((-a) * b)")]
    [InlineData("*p->next", "(*(p->next))")]
    [InlineData("&init_task.comm[2]", "(&((init_task.comm)[2]))")]
    [InlineData("!~x", "(!(~x))")]
    [InlineData("a.b.c->d[1][2]", "(((((a.b).c)->d)[1])[2])")]
    [InlineData("10 % 3 / 2", "((10 % 3) / 2)")]
    public void Operators_bind_as_in_C(string text, string tree) => Show(Parse(text)).Should().Be(tree);

    [Theory]
    [InlineData("(struct task_struct *)0xffff888003a4c000", "((struct task_struct *)18446612682131161088)")]
    [InlineData("((struct task_struct *)x)->pid", "(((struct task_struct *)x)->pid)")]
    [InlineData("*(struct list_head *)modules", "(*((struct list_head *)modules))")]
    [InlineData("(unsigned long)jiffies + 1", "(((unsigned long)jiffies) + 1)")]
    [InlineData("(page *)x", "((page *)x)")]
    [InlineData("(u64)x", "((u64)x)")]
    [InlineData("(const char **)x", "((char **)x)")]
    [InlineData("(jiffies) + 1", "(jiffies + 1)")]
    [InlineData("(page) + 1", "(page + 1)")]
    [InlineData("(long) -1", "((long)(-1))")]
    public void Casts_are_told_from_parentheses_by_the_type_names(string text, string tree) => Show(Parse(text)).Should().Be(tree);

    [Theory]
    [InlineData("runqueues:1", "(runqueues:1)")]
    [InlineData("runqueues:a", "(runqueues:a)")]
    [InlineData("runqueues:all.nr_running", "((runqueues:a).nr_running)")]
    [InlineData("runqueues:1.cfs.nr_running", "(((runqueues:1).cfs).nr_running)")]
    [InlineData("per_cpu(runqueues, 1).cpu", "((runqueues:1).cpu)")]
    [InlineData("container_of(p, struct task_struct, tasks)->pid", "(container_of(p, struct task_struct, tasks)->pid)")]
    [InlineData("container_of(p->next, struct page, lru)", "container_of((p->next), struct page, lru)")]
    [InlineData("offsetof(struct task_struct, se.run_node)", "offsetof(struct task_struct, se.run_node)")]
    [InlineData("offsetof(struct x, a[2].b)", "offsetof(struct x, a[2].b)")]
    [InlineData("sizeof(struct page) * 2", "(sizeof(struct page) * 2)")]
    [InlineData("sizeof(unsigned long [3])", "sizeof(unsigned long [3])")]
    [InlineData("sizeof init_task", "sizeof init_task")]
    [InlineData("sizeof(jiffies)", "sizeof jiffies")]
    public void Crash_and_kernel_forms_parse(string text, string tree) => Show(Parse(text)).Should().Be(tree);

    [Theory]
    [InlineData("0x10", 16UL)]
    [InlineData("077", 77UL)]
    [InlineData("0o17", 15UL)]
    [InlineData("0b101", 5UL)]
    [InlineData("4k", 4096UL)]
    [InlineData("1M", 1UL << 20)]
    [InlineData("2g", 2UL << 30)]
    [InlineData("0x10k", 16UL << 10)]
    [InlineData("89ab", 0x89abUL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Numbers_follow_crash(string text, ulong value) => Parse(text).Should().BeOfType<N.Number>().Which.Value.Should().Be(value);

    [Theory]
    [InlineData("init_task..comm", "expected a member name after '.'", 11)]
    [InlineData("1 +", "'+' needs an operand after it", 4)]
    [InlineData("(1 + 2", "expected ')' to close the parenthesis", 7)]
    [InlineData("a[1", "expected ']' to close the subscript", 4)]
    [InlineData("1 2", "unexpected '2' after a complete expression", 3)]
    [InlineData("a # b", "'#' is not part of an expression", 3)]
    [InlineData("(struct task_struct *)", "needs an operand after it", 23)]
    [InlineData("runqueues:x", "expected a CPU number or 'a'", 11)]
    [InlineData("99999999999999999999", "does not fit in 64 bits", 1)]
    [InlineData("0x", "is not a number", 1)]
    [InlineData("()", "empty parentheses", 2)]
    [InlineData("container_of(p, 3, x)", "expected container_of's type", 17)]
    [InlineData("struct", "expected an operand", 1)]
    public void Mistakes_are_usage_errors_naming_the_column(string text, string message, int column)
    {
        var act = () => Parse(text);
        act.Should().Throw<UsageException>().WithMessage($"*{message}*(column {column} of '{text}')*");
    }

    [Fact]
    public void An_empty_expression_is_a_usage_error()
    {
        var act = () => Parse("   ");
        act.Should().Throw<UsageException>().WithMessage("an expression is required");
    }

    [Fact]
    public void Nesting_is_bounded_so_deep_input_is_a_usage_error_not_a_stack_overflow()
    {
        var act = () => Parse(new string('(', 300) + "1" + new string(')', 300));
        act.Should().Throw<UsageException>().WithMessage("*nests deeper than*");
        act = () => Parse(new string('-', 3000) + "1");
        act.Should().Throw<UsageException>().WithMessage("*nests deeper than*");
        act = () => Parse(new string('x', 5000));
        act.Should().Throw<UsageException>().WithMessage("*at most 4096 are accepted*");
        act = () => Parse(new string('-', 300) + "1");
        act.Should().Throw<UsageException>().WithMessage("*nests deeper than*");
        act = () => Parse(string.Join("+", Enumerable.Repeat("1", 1500)));
        act.Should().NotThrow("a long flat chain is parsed iteratively");
    }

    [Fact]
    public void Random_and_garbled_text_only_ever_fails_with_a_usage_error()
    {
        var random = new Random(21);
        string[] pieces = ["(", ")", "[", "]", "*", "&", "->", ".", ":", ",", "struct", "task_struct", "init_task", "0x", "1", "ffff", "-", "+", "<<", "sizeof",
            "container_of", "offsetof", "per_cpu", "a", "u64", "page", "jiffies", " ", "!", "~", "%", "/", "0b2", "9z", "k", "\u00e9", "\0", "'", "\""];
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var text = i % 2 == 0
                ? string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]))
                : new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => (char)random.Next(0, 128)).ToArray());
            try
            {
                Parse(text);
                ExpressionParser.ParseTypeName(text);
                parsed++;
            }
            catch (UsageException e)
            {
                e.Message.Should().NotBeNullOrWhiteSpace();
            }
        }
        parsed.Should().BeGreaterThan(0, "some of the random inputs are valid expressions");
    }

    [Theory]
    [InlineData("struct task_struct", "struct task_struct", 0, new ulong[0])]
    [InlineData("unsigned long [3]", "unsigned long", 0, new ulong[] { 3 })]
    [InlineData("struct kmem_cache * [4][14]", "struct kmem_cache", 1, new ulong[] { 4, 14 })]
    [InlineData("const char **", "char", 2, new ulong[0])]
    [InlineData("volatile unsigned long", "unsigned long", 0, new ulong[0])]
    [InlineData("atomic_long_t", "atomic_long_t", 0, new ulong[0])]
    public void Type_names_parse_into_base_pointers_and_lengths(string text, string baseName, int pointers, ulong[] lengths)
    {
        var type = ExpressionParser.ParseTypeName(text);
        type.Base.Should().Be(baseName);
        type.Pointers.Should().Be(pointers);
        type.ArrayLengths.Should().Equal(lengths.Select(l => (ulong?)l));
    }

    [Fact]
    public void An_unsized_array_in_a_type_name_has_no_length()
    {
        ExpressionParser.ParseTypeName("char []").ArrayLengths.Should().Equal([null]);
    }
}
