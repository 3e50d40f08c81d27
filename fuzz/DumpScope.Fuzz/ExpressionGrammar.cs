namespace DumpScope.Fuzz;

/// <summary>
/// Builds a C expression from fuzzer bytes, one production per byte: symbols, numbers, member names and type names
/// taken from the real 6.1 BTF, unary and binary operators, casts, subscripts, <c>.</c>/<c>-&gt;</c>, container_of,
/// sizeof, offsetof and per-cpu <c>:N</c>. Byte mutations then change the expression's shape rather than breaking its
/// syntax, so the evaluator (not only the parser) sees most inputs. Depth and length are bounded.
/// </summary>
internal sealed class ExpressionGrammar(byte[] data, ITypeCatalog? types = null)
{
    // Struct-valued starting points and their types: members are drawn from the type's real members when the types are known.
    private static readonly (string Text, string Type, bool Pointer)[] Aggregates =
    [
        (InitTask, "struct task_struct", false), ("runqueues:1", "struct rq", false), ("runqueues:0", "struct rq", false),
        (InitTask + ".se", "struct sched_entity", false), (InitTask + ".tasks", "struct list_head", false), (Ring, "struct list_head", false),
        ("((struct list_head *)0xffff888001000040)", "struct list_head", true), ("(&init_task)", "struct task_struct", true),
        ("((struct task_struct *)0xffff888001000000)", "struct task_struct", true), ("(*(struct list_head *)0xffff888001000100)", "struct list_head", false),
    ];

    private readonly Dictionary<string, string[]> _members = [];

    private const int MaxDepth = 6;

    // The synthetic kernel declares no types for its globals (BTF describes only per-cpu variables): objects are named
    // through a cast, as a user of a BTF-only dump writes them; a few bare names stay to reach the "say the type" errors.
    private const string InitTask = "(*(struct task_struct *)&init_task)";
    private const string Ring = "(*(struct list_head *)&fuzz_ring)";

    private static readonly string[] Symbols =
        [InitTask, "jiffies", "runqueues:0", "runqueues:1", InitTask + ".tasks", InitTask + ".comm", Ring, Ring + ".next", "&init_task", "&fuzz_ring", "init_task", "nr_cpu_ids"];

    private static readonly string[] Structs =
        ["struct task_struct", "struct list_head", "struct rq", "struct mm_struct", "struct rb_node", "struct sched_entity", "struct page"];

    private static readonly string[] Members =
        ["comm", "pid", "tgid", "tasks", "next", "prev", "mm", "parent", "real_parent", "children", "sibling", "stack", "flags", "__state",
         "cpu", "nr_running", "curr", "cfs", "clock", "tasks_timeline", "rb_root", "rb_node", "rb_left", "counter", "se", "thread", "sp", "x", "nonexistent"];

    private static readonly string[] Types =
        ["struct task_struct", "struct list_head", "struct rq", "struct mm_struct", "struct rb_node", "unsigned long", "long", "int", "char",
         "unsigned char", "short", "void", "u64", "u32", "atomic_t", "struct page", "union thread_union", "enum pid_type", "bool", "struct nosuch"];

    private static readonly string[] Binary = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "==", "!=", "<", ">", "<=", ">=", "&&", "||"];

    private static readonly string[] Unary = ["-", "~", "!", "*", "&"];

    private static readonly string[] Numbers = ["0", "1", "8", "0x10", "4096", "-1", "0xffffffffffffffff", "0xffffffff82a13940", "9223372036854775807", "18446744073709551615", "077", "1UL", "0xffff888001000000", "0xffff888001000010"];

    private int _at;

    /// <summary>The expression the bytes describe.</summary>
    public string Next()
    {
        var text = new StringBuilder();
        Expression(text, 0);
        return text.ToString();
    }

    private int Pick(int count) => data.Length == 0 ? 0 : data[_at++ % data.Length] % count;

    private bool Exhausted => _at >= data.Length * 2;

    private void Expression(StringBuilder text, int depth)
    {
        if (depth >= MaxDepth || Exhausted || text.Length > 400)
        {
            Primary(text);
            return;
        }
        switch (Pick(14))
        {
            case 0 or 1: Primary(text); break;
            case 12 or 13:
            {
                // A member of a struct (or through a pointer to one), most often a real member of its type.
                var (baseText, type, pointer) = Aggregates[Pick(Aggregates.Length)];
                text.Append(baseText).Append(pointer ? "->" : ".").Append(MemberOf(type));
                if (Pick(3) == 0 && type == "struct list_head") text.Append("->").Append(Pick(2) == 0 ? "next" : "prev");
                break;
            }
            case 2: Expression(text, depth + 1); text.Append(' ').Append(Binary[Pick(Binary.Length)]).Append(' '); Expression(text, depth + 1); break;
            case 3: text.Append(Unary[Pick(Unary.Length)]); Expression(text, depth + 1); break;
            case 4: text.Append('(').Append(Type()).Append(')'); Expression(text, depth + 1); break;
            case 5: Expression(text, depth + 1); text.Append('.').Append(Members[Pick(Members.Length)]); break;
            case 6: Expression(text, depth + 1); text.Append("->").Append(Members[Pick(Members.Length)]); break;
            case 7: Expression(text, depth + 1); text.Append('['); Expression(text, depth + 1); text.Append(']'); break;
            case 8:
                text.Append("container_of(");
                Expression(text, depth + 1);
                var containing = Structs[Pick(Structs.Length)];
                text.Append(", ").Append(containing).Append(", ").Append(MemberOf(containing)).Append(')');
                break;
            case 9: text.Append("sizeof(").Append(Pick(2) == 0 ? Type() : Symbols[Pick(Symbols.Length)]).Append(')'); break;
            case 10:
            {
                var type = Structs[Pick(Structs.Length)];
                text.Append("offsetof(").Append(type).Append(", ").Append(MemberOf(type)).Append(')');
                break;
            }
            default: text.Append('('); Expression(text, depth + 1); text.Append(')'); break;
        }
    }

    private void Primary(StringBuilder text)
    {
        switch (Pick(4))
        {
            case 0: text.Append(Numbers[Pick(Numbers.Length)]); break;
            case 1: text.Append(Symbols[Pick(Symbols.Length)]).Append(':').Append(Pick(3) switch { 0 => "0", 1 => "1", _ => "a" }); break;
            default: text.Append(Symbols[Pick(Symbols.Length)]); break;
        }
    }

    private string MemberOf(string type)
    {
        if (!_members.TryGetValue(type, out var names))
        {
            names = types?.FindType(type)?.Resolve().Members.Select(m => m.Name).Where(n => !string.IsNullOrEmpty(n)).ToArray() ?? [];
            _members[type] = names;
        }
        return names.Length == 0 || Pick(8) == 0 ? Members[Pick(Members.Length)] : names[Pick(names.Length)];
    }

    private string Type() => Types[Pick(Types.Length)] + (Pick(3) switch { 0 => "", 1 => " *", _ => " **" });
}
