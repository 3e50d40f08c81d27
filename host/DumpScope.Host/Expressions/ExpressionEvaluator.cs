namespace DumpScope.Host.Expressions;

/// <summary>
/// Evaluates <see cref="ExpressionNode"/>s against a dump: symbols (with their type from the type catalog or
/// the declared globals), members, subscripts, dereferences, casts to any catalog type, C integer and
/// pointer arithmetic, <c>container_of</c>, <c>offsetof</c>, <c>sizeof</c> and per-cpu variables. Objects
/// are read only when a scalar is needed, so <c>&amp;init_task.comm</c> reads nothing.
/// </summary>
/// <remarks>
/// Errors in the expression (unknown names, a member a type lacks, dereferencing an integer) are
/// <see cref="UsageException"/>s naming the column; memory that cannot be read is a
/// <see cref="MemoryFaultException"/> with the fault.
/// </remarks>
public sealed class ExpressionEvaluator(IKernel? dump, ExpressionMode mode = ExpressionMode.Value)
{
    private static readonly KernelType UnsignedLong = new IntegerType("unsigned long", 8, false);
    private static readonly KernelType Long = new IntegerType("long", 8, true);
    private static readonly KernelType Int = new IntegerType("int", 4, true);
    private static readonly KernelType UnsignedInt = new IntegerType("unsigned int", 4, false);

    private string _text = "";
    private readonly List<string> _inferred = [];

    /// <summary>The CPU whose copy a per-cpu variable without <c>:N</c> means (<c>--cpu</c>, or one pass of <c>:a</c>).</summary>
    public int? Cpu { get; init; }

    /// <summary>What a symbol as written stands for.</summary>
    public ExpressionMode Mode => mode;

    /// <summary>True once an evaluation placed a per-cpu variable on a CPU (so <c>--cpu</c> meant something).</summary>
    public bool UsedPerCpu { get; private set; }

    /// <summary>The kernel evaluated against; without a dump only numbers and types of no catalog are known.</summary>
    public IKernel Kernel => dump ?? throw new UsageException("no dump is open: only numbers and operators can be evaluated");

    /// <summary>The address an argument such as <c>init_task+0x10</c>, <c>ffff88…</c> or <c>(ulong)jiffies</c> means (crash's rules).</summary>
    /// <exception cref="UsageException">The text is not an expression with an address.</exception>
    /// <remarks>
    /// A bare number as the whole argument is hex, as crash reads addresses ("rd 8000000000000000"); inside
    /// a larger expression numbers are C's (decimal unless 0x).
    /// </remarks>
    public static ulong EvaluateAddress(IKernel kernel, string text, int? cpu = null)
    {
        var whole = text.Trim();
        var digits = whole.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? whole[2..] : whole;
        if (ExpressionLexer.TryHexWord(digits, out var hex) && (char.IsAsciiDigit(digits[0]) || !kernel.Symbols.TryGetAddress(digits, out _)))
            return hex;
        var evaluator = new ExpressionEvaluator(kernel, ExpressionMode.Address) { Cpu = cpu };
        return evaluator.ToAddress(evaluator.Evaluate(text));
    }

    /// <summary>Parses <paramref name="text"/> with this kernel's type and symbol names.</summary>
    public ExpressionNode Parse(string text)
    {
        _text = text;
        return ExpressionParser.Parse(text, IsTypeName, name => dump is not null && dump.Symbols.TryGetAddress(name, out _));
    }

    /// <summary>Parses and evaluates <paramref name="text"/>.</summary>
    public ExpressionValue Evaluate(string text) => Evaluate(Parse(text));

    /// <summary>Evaluates a parsed expression.</summary>
    public ExpressionValue Evaluate(ExpressionNode node) => node switch
    {
        ExpressionNode.Number n => ExpressionValue.Of(n.Value <= int.MaxValue ? Int : n.Value <= long.MaxValue ? Long : UnsignedLong, n.Value),
        ExpressionNode.Name n => Name(n, relocate: true),
        ExpressionNode.PerCpu p => PerCpu(p),
        ExpressionNode.Member m => Member(m),
        ExpressionNode.Index i => Index(i),
        ExpressionNode.Unary u => Unary(u),
        ExpressionNode.Binary b => Binary(b),
        ExpressionNode.Cast c => Cast(c),
        ExpressionNode.ContainerOf c => ContainerOf(c),
        ExpressionNode.OffsetOf o => ExpressionValue.Of(UnsignedLong, MemberOf(ResolveType(o.Type), o.MemberPath, o.Position).Offset),
        ExpressionNode.SizeOfType s => ExpressionValue.Of(UnsignedLong, ResolveType(s.Type).Size),
        ExpressionNode.SizeOfExpression s => ExpressionValue.Of(UnsignedLong, (Evaluate(s.Operand).Type ?? throw Error(s.Position, "sizeof: the operand has no known type")).Size),
        _ => throw Error(node.Position, "this expression cannot be evaluated"),
    };

    /// <summary>
    /// The address a value stands for as a command's ADDR: an object's address (a symbol, a struct, an array),
    /// or the value of a pointer or integer.
    /// </summary>
    public ulong ToAddress(ExpressionValue value)
    {
        if (value.IsLvalue && (value.Symbol is not null || value.Type is null || !IsScalar(value.Type)))
        {
            if (value.IsPerCpuOffset) throw PerCpuNeeded(value, 0);
            return value.Address!.Value;
        }
        return ScalarOf(value, 0);
    }

    /// <summary>The bits of a scalar value (read from the dump for an lvalue); arrays decay to their address.</summary>
    public ulong ScalarOf(ExpressionValue value, int position)
    {
        if (!value.IsLvalue) return value.Scalar;
        if (value.IsPerCpuOffset) throw PerCpuNeeded(value, position);
        if (value.Type is null) return value.Address!.Value;
        var type = value.Type.Resolve();
        switch (type.Kind)
        {
            case TypeKind.Array or TypeKind.Function:
                return value.Address!.Value;
            case TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer:
                return Read(value, type);
            default:
                throw Error(position, $"{Describe(value)} has type {value.Type.DisplayName}, not a number or pointer");
        }
    }

    /// <summary>A type name resolved against the catalog ("struct page *", "u64", "char [16]").</summary>
    public KernelType ResolveType(TypeName name)
    {
        var type = dump?.Types.TryParse(name.Base) ?? TypeExtensions.StandardInteger(NormalizeInteger(name.Base))
            ?? throw Error(name.Position, $"unknown type '{name.Base}' ({dump?.Types.Source ?? "no dump is open"})");
        for (int i = 0; i < name.Pointers; i++) type = new PointerType(type);
        for (int i = name.ArrayLengths.Count - 1; i >= 0; i--)
            type = new ArrayType(type, name.ArrayLengths[i] ?? throw Error(name.Position, $"{name}: an array length is needed here"));
        return type;
    }

    /// <summary>Whether a bare word names a type (typedef, struct, union, enum or base type).</summary>
    public bool IsTypeName(string name) => dump?.Types.FindType(name) is not null || TypeExtensions.StandardInteger(name) is not null;

    /// <summary>True when the address lies in the per-cpu section (per-cpu variables are offsets there).</summary>
    public bool IsPerCpuAddress(ulong address) =>
        Kernel.Symbols.TryGetAddress("__per_cpu_start", out var start) && Kernel.Symbols.TryGetAddress("__per_cpu_end", out var end)
        && address >= start && address < end;

    /// <summary>The copy of a per-cpu value on a CPU.</summary>
    public ExpressionValue OnCpu(ExpressionValue value, int cpu, int position)
    {
        if (!value.IsPerCpuOffset) throw Error(position, $"{Describe(value)} is not a per-cpu variable");
        if (cpu < 0 || cpu >= Kernel.NrCpuIds)
            throw Error(position, $"CPU {cpu} does not exist: CPUs run from 0 to {Kernel.NrCpuIds - 1} (nr_cpu_ids {Kernel.NrCpuIds})");
        UsedPerCpu = true;
        return value with { Address = value.Address!.Value + Kernel.PerCpuOffset(cpu), IsPerCpuOffset = false };
    }

    private static string NormalizeInteger(string words) => words switch
    {
        "unsigned long int" or "long unsigned" => "unsigned long",
        "long long unsigned" or "unsigned long long int" => "unsigned long long",
        "short unsigned" or "unsigned short int" => "unsigned short",
        "signed char" => "signed char",
        "signed long" or "signed long int" or "long signed int" => "long",
        "signed" => "int",
        _ => words,
    };

    private ExpressionValue Name(ExpressionNode.Name node, bool relocate)
    {
        if (dump is not null && dump.Symbols.TryGetAddress(node.Text, out var address))
        {
            var value = new ExpressionValue { Type = Kernel.Types.FindVariableType(node.Text), Address = address, Symbol = node.Text, IsPerCpuOffset = IsPerCpuAddress(address) };
            if (value.Type is not null && Kernel.Types is DumpScope.Host.Types.Btf.BtfTypeCatalog { DeclaredGlobals: { } globals } && globals.Check(node.Text) is null
                && globals.Infer(node.Text) is { Chosen: { } chosen } guess && ReferenceEquals(guess.Type, value.Type) && !_inferred.Contains($"{node.Text}: {chosen}"))
                _inferred.Add($"{node.Text}: {chosen}");
            if (value.Type is null && Kernel.Symbols.Lookup(address) is { Offset: 0, Symbol.Type: 'T' or 't' or 'W' or 'w' })
                value = value with { Type = new PointerType(VoidType.Instance), Address = null, Scalar = address };
            if (relocate && value.IsPerCpuOffset && Cpu is { } cpu) value = OnCpu(value, cpu, node.Position);
            return value;
        }
        if (ExpressionLexer.TryHexWord(node.Text, out var hex)) return ExpressionValue.Of(UnsignedLong, hex);
        throw Error(node.Position, $"'{node.Text}' is not a symbol in {dump?.Symbols.Source ?? "(no dump is open)"}" + (IsTypeName(node.Text) ? " (it is a type: a cast is written (TYPE *)ADDR)" : ""));
    }

    private ExpressionValue PerCpu(ExpressionNode.PerCpu node)
    {
        var value = node.Operand is ExpressionNode.Name name ? Name(name, relocate: false) : Evaluate(node.Operand);
        int cpu;
        if (node.Cpu is null)
            cpu = Cpu ?? throw Error(node.Position, "':a' (every CPU) is not possible here; give one CPU as :N");
        else
        {
            ulong n = ScalarOf(Evaluate(node.Cpu), node.Cpu.Position);
            cpu = n > int.MaxValue ? -1 : (int)n;
        }
        return OnCpu(value, cpu, node.Position);
    }

    private ExpressionValue Member(ExpressionNode.Member node)
    {
        var operand = Evaluate(node.Operand);
        var owner = Deref(operand, node.Position, node.Arrow ? "->" : null);
        if (owner.IsPerCpuOffset) throw PerCpuNeeded(owner, node.Position);
        var location = MemberOf(owner.Type!, node.Field, node.Position);
        return new ExpressionValue
        {
            Type = location.Type,
            Address = unchecked(owner.Address!.Value + location.Offset),
            BitOffset = location.BitSize != 0 ? (uint)(location.BitOffset % 8) : 0,
            BitSize = location.BitSize,
        };
    }

    /// <summary>The object a value is, or points to for '->' (and for '.' on a pointer, as gdb allows).</summary>
    private ExpressionValue Deref(ExpressionValue operand, int position, string? arrow)
    {
        if (operand.Type is null) throw NoType(operand, position);
        var type = operand.Type.Resolve();
        if (type.Kind == TypeKind.Pointer)
        {
            var target = type.Target ?? VoidType.Instance;
            if (target.Resolve().Kind is not (TypeKind.Struct or TypeKind.Union))
                throw Error(position, $"{Describe(operand)} has type {operand.Type.DisplayName}, not a pointer to a struct or union");
            return new ExpressionValue { Type = target, Address = ScalarOf(operand, position) };
        }
        if (arrow is not null) throw Error(position, $"'->' needs a pointer; {Describe(operand)} has type {operand.Type.DisplayName} (use '.')");
        if (type.Kind is not (TypeKind.Struct or TypeKind.Union) || !operand.IsLvalue)
            throw Error(position, $"{Describe(operand)} has type {operand.Type.DisplayName}, not a struct or union");
        return operand;
    }

    private MemberLocation MemberOf(KernelType owner, string path, int position)
    {
        var body = owner.Resolve();
        if (body.Kind is not (TypeKind.Struct or TypeKind.Union)) throw Error(position, $"{owner.DisplayName} is not a struct or union");
        if (!body.TryFindMember(path, out var location)) throw Error(position, $"{owner.DisplayName} has no member '{path}'");
        return location;
    }

    private ExpressionValue Index(ExpressionNode.Index node)
    {
        var operand = Evaluate(node.Operand);
        ulong index = ScalarOf(Evaluate(node.Subscript), node.Subscript.Position);
        if (operand.Type is null) throw NoType(operand, node.Position);
        var type = operand.Type.Resolve();
        if (type.Kind == TypeKind.Array && operand.IsLvalue)
        {
            if (operand.IsPerCpuOffset) throw PerCpuNeeded(operand, node.Position);
            var element = type.Target ?? throw Error(node.Position, $"{type.DisplayName} has no element type");
            return new ExpressionValue { Type = element, Address = unchecked(operand.Address!.Value + index * element.Size) };
        }
        if (type.Kind == TypeKind.Pointer)
        {
            var element = type.Target ?? VoidType.Instance;
            if (element.Resolve().Kind is TypeKind.Void or TypeKind.Function) throw Error(node.Position, $"cannot index a {type.DisplayName}; cast it to a typed pointer first");
            return new ExpressionValue { Type = element, Address = unchecked(ScalarOf(operand, node.Position) + index * element.Size) };
        }
        throw Error(node.Position, $"{Describe(operand)} has type {operand.Type.DisplayName}: only arrays and pointers take [ ]");
    }

    private ExpressionValue Unary(ExpressionNode.Unary node)
    {
        var operand = Evaluate(node.Operand);
        switch (node.Operator)
        {
            case "&":
                if (!operand.IsLvalue && operand.Symbol is not null) return operand; // a function: its address already
                if (!operand.IsLvalue) throw Error(node.Position, $"'&' needs an object in memory; {Describe(operand)} is a computed value");
                if (operand.BitSize != 0) throw Error(node.Position, "'&' cannot take the address of a bitfield");
                return ExpressionValue.Of(new PointerType(operand.Type ?? VoidType.Instance), operand.Address!.Value);
            case "*":
            {
                if (operand.Type is null) throw NoType(operand, node.Position);
                var type = operand.Type.Resolve();
                if (type.Kind == TypeKind.Array && operand.IsLvalue)
                    return new ExpressionValue { Type = type.Target, Address = operand.Address };
                if (type.Kind != TypeKind.Pointer)
                    throw Error(node.Position, $"'*' needs a pointer; {Describe(operand)} has type {operand.Type.DisplayName} (cast it: *(TYPE *)…)");
                var target = type.Target ?? VoidType.Instance;
                if (target.Resolve().Kind is TypeKind.Void) throw Error(node.Position, $"cannot dereference a {type.DisplayName}; cast it to a typed pointer: *(TYPE *)…");
                return new ExpressionValue { Type = target, Address = ScalarOf(operand, node.Position) };
            }
        }
        ulong bits = ScalarOf(AsOperand(operand, node.Operand.Position), node.Operand.Position);
        var promoted = ArithmeticType(operand, operand);
        return node.Operator switch
        {
            "-" => ExpressionValue.Of(promoted, Truncate(unchecked(0 - bits), promoted)),
            "+" => ExpressionValue.Of(promoted, bits),
            "~" => ExpressionValue.Of(promoted, Truncate(~bits, promoted)),
            _ => ExpressionValue.Of(Int, bits == 0 ? 1UL : 0UL),
        };
    }

    /// <summary>
    /// A value as an arithmetic operand. In address mode a symbol as written is its address (crash's
    /// <c>init_task+0x10</c>); in value mode a symbol whose type is unknown cannot be computed with.
    /// </summary>
    private ExpressionValue AsOperand(ExpressionValue value, int position)
    {
        if (!value.IsLvalue || value.IsPerCpuOffset) return value;
        if (mode == ExpressionMode.Address && value.Symbol is not null) return ExpressionValue.Of(UnsignedLong, value.Address!.Value);
        if (value.Type is null) throw NoType(value, position);
        return value;
    }

    private ExpressionValue Binary(ExpressionNode.Binary node)
    {
        var left = AsOperand(Evaluate(node.Left), node.Left.Position);
        var right = AsOperand(Evaluate(node.Right), node.Right.Position);
        var leftPointer = PointerTarget(left);
        var rightPointer = PointerTarget(right);
        ulong a = ScalarOf(left, node.Left.Position), b = ScalarOf(right, node.Right.Position);
        switch (node.Operator)
        {
            case "+" when leftPointer is not null && rightPointer is null:
                return ExpressionValue.Of(left.Type!, unchecked(a + b * Stride(leftPointer)));
            case "+" when rightPointer is not null && leftPointer is null:
                return ExpressionValue.Of(right.Type!, unchecked(b + a * Stride(rightPointer)));
            case "-" when leftPointer is not null && rightPointer is null:
                return ExpressionValue.Of(left.Type!, unchecked(a - b * Stride(leftPointer)));
            case "-" when leftPointer is not null && rightPointer is not null:
                return ExpressionValue.Of(Long, (ulong)(unchecked((long)(a - b)) / (long)Stride(leftPointer)));
            case "+" or "-" when leftPointer is not null || rightPointer is not null:
                throw Error(node.Position, $"pointers cannot be combined with '{node.Operator}' that way");
        }
        // Shifts take the (promoted) type of the left operand; the rest C's usual arithmetic conversions.
        var type = node.Operator is "<<" or ">>" ? ArithmeticType(left, left) : ArithmeticType(left, right);
        bool signed = type.IsSigned;
        int width = (int)type.Size * 8;
        ulong result = node.Operator switch
        {
            "+" => unchecked(a + b),
            "-" => unchecked(a - b),
            "*" => unchecked(a * b),
            "/" or "%" when b == 0 => throw Error(node.Position, $"division by zero ('{node.Operator}' with 0 on the right)"),
            "/" => signed && !(a == (1UL << 63) && b == ulong.MaxValue) ? (ulong)((long)a / (long)b) : a / b,
            "%" => signed && !(a == (1UL << 63) && b == ulong.MaxValue) ? (ulong)((long)a % (long)b) : a % b,
            "<<" => b >= (ulong)width ? 0 : a << (int)b,
            ">>" => b >= (ulong)width ? (signed && (long)a < 0 ? ulong.MaxValue : 0) : signed ? (ulong)((long)a >> (int)b) : a >> (int)b,
            "&" => a & b,
            "|" => a | b,
            "^" => a ^ b,
            "&&" => a != 0 && b != 0 ? 1UL : 0,
            "||" => a != 0 || b != 0 ? 1UL : 0,
            "==" => a == b ? 1UL : 0,
            "!=" => a != b ? 1UL : 0,
            "<" => (signed ? (long)a < (long)b : a < b) ? 1UL : 0,
            "<=" => (signed ? (long)a <= (long)b : a <= b) ? 1UL : 0,
            ">" => (signed ? (long)a > (long)b : a > b) ? 1UL : 0,
            ">=" => (signed ? (long)a >= (long)b : a >= b) ? 1UL : 0,
            _ => throw Error(node.Position, $"unknown operator '{node.Operator}'"),
        };
        bool comparison = node.Operator is "&&" or "||" or "==" or "!=" or "<" or "<=" or ">" or ">=";
        return comparison ? ExpressionValue.Of(Int, result) : ExpressionValue.Of(type, Truncate(result, type));
    }

    private ExpressionValue Cast(ExpressionNode.Cast node)
    {
        var target = ResolveType(node.Type);
        var body = target.Resolve();
        var operand = Evaluate(node.Operand);
        if (body.Kind is TypeKind.Struct or TypeKind.Union or TypeKind.Array)
            throw Error(node.Position, $"cannot cast to {target.DisplayName}; cast to a pointer and dereference: *({target.DisplayName} *)…");
        if (body.Kind is not (TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer))
            throw Error(node.Position, $"cannot cast to {target.DisplayName}");
        // A symbol whose type no source knows is read as the cast's type, as gdb does: (unsigned long)jiffies
        // is jiffies' value; *(struct T *)&SYMBOL is the object at the symbol.
        if (mode == ExpressionMode.Address) operand = AsOperand(operand, node.Operand.Position);
        else if (operand.IsLvalue && operand.Type is null && !operand.IsPerCpuOffset) operand = operand with { Type = target };
        ulong bits = ScalarOf(operand, node.Operand.Position);
        return ExpressionValue.Of(target, Truncate(bits, body));
    }

    private ExpressionValue ContainerOf(ExpressionNode.ContainerOf node)
    {
        var type = ResolveType(node.Type);
        var location = MemberOf(type, node.MemberPath, node.Position);
        ulong pointer = ScalarOf(AsOperand(Evaluate(node.Pointer), node.Pointer.Position), node.Pointer.Position);
        return ExpressionValue.Of(new PointerType(type), unchecked(pointer - location.Offset));
    }

    private static KernelType? PointerTarget(ExpressionValue value)
    {
        if (value.Type is null) return null;
        var type = value.Type.Resolve();
        return type.Kind == TypeKind.Pointer ? type.Target ?? VoidType.Instance
            : type.Kind == TypeKind.Array && value.IsLvalue ? type.Target : null;
    }

    /// <summary>Bytes one step of pointer arithmetic moves (void and functions: 1, as GCC does).</summary>
    private static ulong Stride(KernelType target) => target.Resolve().Kind is TypeKind.Void or TypeKind.Function || target.Size == 0 ? 1 : target.Size;

    /// <summary>
    /// C's usual arithmetic conversions over int, unsigned int, long and unsigned long: operands narrower than
    /// int become int; an unsigned operand at least as wide as the other makes the result unsigned.
    /// </summary>
    private static KernelType ArithmeticType(ExpressionValue left, ExpressionValue right)
    {
        static (ulong Size, bool Signed) Rank(ExpressionValue v)
        {
            var t = v.Type?.Resolve();
            if (t is null || t.Kind == TypeKind.Pointer) return (8, false);
            return t.Size < 4 ? (4, true) : (Math.Min(t.Size, 8), t.IsSigned);
        }
        var (sizeA, signedA) = Rank(left);
        var (sizeB, signedB) = Rank(right);
        ulong size = Math.Max(sizeA, sizeB);
        bool unsigned = (!signedA && sizeA >= size) || (!signedB && sizeB >= size);
        return size > 4 ? unsigned ? UnsignedLong : Long : unsigned ? UnsignedInt : Int;
    }

    private static bool IsScalar(KernelType type) => type.Resolve().Kind is TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer;

    private static ulong Truncate(ulong bits, KernelType type)
    {
        if (type.Kind == TypeKind.Pointer || type.Size is 0 or >= 8) return bits;
        int width = (int)type.Size * 8;
        ulong masked = bits & ((1UL << width) - 1);
        return type.IsSigned && (masked >> (width - 1)) != 0 ? masked | ~((1UL << width) - 1) : masked;
    }

    private ulong Read(ExpressionValue value, KernelType type)
    {
        ulong address = value.Address!.Value;
        if (value.BitSize != 0)
        {
            int bytes = (int)((value.BitOffset + value.BitSize + 7) / 8);
            Span<byte> raw = stackalloc byte[16];
            Kernel.Memory.ReadExactly(address, raw[..bytes], value.Symbol);
            var word = BinaryPrimitives.ReadUInt128LittleEndian(raw);
            ulong field = (ulong)(word >> (int)value.BitOffset) & (value.BitSize >= 64 ? ulong.MaxValue : (1UL << (int)value.BitSize) - 1);
            if (type.IsSigned && value.BitSize < 64 && (field >> ((int)value.BitSize - 1)) != 0) field |= ~((1UL << (int)value.BitSize) - 1);
            return field;
        }
        ulong size = type.Size;
        if (size is 0 or > 8) throw Error(0, $"a {type.DisplayName} of {size} bytes is not a scalar that can be read");
        Span<byte> buffer = stackalloc byte[8];
        buffer.Clear();
        Kernel.Memory.ReadExactly(address, buffer[..(int)size], value.Symbol);
        return Truncate(BinaryPrimitives.ReadUInt64LittleEndian(buffer), type);
    }

    private static string Describe(ExpressionValue value) => value.Symbol is { } s ? $"'{s}'" : "the operand";

    private UsageException NoType(ExpressionValue value, int position) =>
        Error(position, $"{Kernel.Types.Source} and the declared globals do not know the type of {Describe(value)}{(value.Symbol is { } symbol ? WhyUntyped(symbol) : "")}; state it: (unsigned long){value.Symbol} for a number, *(struct TYPE *)&{value.Symbol} for an object");

    /// <summary>" (why no type was inferred)" for a global without a declared type, or "" when the source is not BTF.</summary>
    public string WhyUntyped(string symbol) =>
        Kernel.Types is DumpScope.Host.Types.Btf.BtfTypeCatalog { DeclaredGlobals: { } globals } ? " (" + string.Join("; ", globals.Infer(symbol).Notes) + ")" : "";

    /// <summary>The globals whose type an evaluation took from name inference, with the reason ("pci_bus_type: struct bus_type (inferred …)").</summary>
    public IReadOnlyList<string> InferredTypes => _inferred;

    private UsageException PerCpuNeeded(ExpressionValue value, int position) =>
        Error(position, $"{Describe(value)} is a per-cpu variable: say whose copy, {value.Symbol ?? "VAR"}:CPU (0..{Kernel.NrCpuIds - 1}), {value.Symbol ?? "VAR"}:a for every CPU, or --cpu N");

    private UsageException Error(int position, string message) => ExpressionLexer.Error(_text, position, message);
}
