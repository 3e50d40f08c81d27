using DumpScope.Host.Expressions;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>eval</c>: an expression's value (<see cref="ExpressionEvaluator"/>) in hexadecimal, decimal,
/// octal and binary, with its size in KB/MB/GB/TB when it is a whole number of them. Numbers take 0x, 0o
/// and 0b prefixes and k/m/g/t suffixes (<c>eval 4k * 3</c>); symbols are their values, <c>&amp;sym</c> their
/// addresses. As in crash, <c>-b</c> adds the set bit positions and <c>-l</c> asks for 64-bit arithmetic, which
/// is what a 64-bit kernel already gets. Unlike crash (which reads "0b101" as the hex number b101), 0b and 0o
/// are binary and octal.
/// </summary>
[Command("eval", NeedsDump = false, Help = "Evaluate an expression: the value in hex, decimal, octal and binary",
    Examples = ["eval 0x100 + 0x20  arithmetic", "eval -b 0x1234  with the bits set (12 9 5 4 2)", "eval 0b1010 + 0o17  binary and octal", "eval 1m / 4k  size suffixes", "eval &init_task  a symbol's address", "eval sizeof(struct task_struct)  a type's size"],
    SeeAlso = ["p", "sym"])]
public sealed class EvalCommand : ICommand
{
    /// <summary>-b: list the set bits.</summary>
    [Option("-b", Help = "also list the positions of the bits that are set, highest first")]
    public bool Bits { get; set; }

    /// <summary>-l: 64-bit arithmetic.</summary>
    [Option("-l", Help = "64-bit arithmetic (crash's option for 32-bit hosts; always so here)")]
    public bool Long { get; set; }

    /// <summary>The expression.</summary>
    [Argument(0, Name = "EXPR", Required = true, Help = "an expression: 0x100 + 0x20, 1m / 4k, jiffies - 300, &init_task, sizeof(struct page)")]
    public string[] Words { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var text = string.Join(' ', Words).Trim();
        if (text.Length == 0) throw new UsageException("eval needs an expression");
        // Without a dump only numbers and operators: the same parser, no symbols.
        var evaluator = new ExpressionEvaluator(context.HasDump ? context.Kernel : null);
        var result = evaluator.Evaluate(text);
        ulong value = evaluator.ScalarOf(result, 0);
        bool signed = result.Type?.Resolve().IsSigned ?? false;
        return Show(text, value, signed, Bits);
    }

    /// <summary>The four bases and the size (crash's eval output) of a value; with <paramref name="bits"/> the set bits.</summary>
    internal static CommandResult Show(string text, ulong value, bool signed, bool bits = false)
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = text });
        record.Add("HEXADECIMAL", Cell.Text(value.ToString("x", CultureInfo.InvariantCulture)));
        // crash shows a negative value both ways: "18446744073709551615  (-1)"; JSON keeps the signed number.
        record.Add("DECIMAL", signed && (long)value < 0 ? Cell.Int((long)value).Displayed(string.Create(CultureInfo.InvariantCulture, $"{value}  ({(long)value})")) : Cell.UInt(value));
        record.Add("OCTAL", Cell.Text(Convert.ToString((long)value, 8)));
        record.Add("BINARY", Cell.Text(Convert.ToString((long)value, 2).PadLeft(64, '0')));
        if (SizeText(value) is { } size) record.Add("SIZE", Cell.Text(size));
        if (bits)
        {
            var set = Enumerable.Range(0, 64).Reverse().Where(bit => (value >> bit & 1) != 0).ToList();
            record.Add("BITS SET", Cell.List([.. set.Select(bit => Cell.Int(bit))]).Displayed(string.Join(' ', set)));
        }
        return result;
    }

    /// <summary>"3KB", "1MB": the value as a whole number of the largest binary unit dividing it, or null.</summary>
    internal static string? SizeText(ulong value)
    {
        if (value == 0) return null;
        string[] units = ["KB", "MB", "GB", "TB", "PB", "EB"];
        string? best = null;
        for (int i = 0; i < units.Length; i++)
        {
            int shift = 10 * (i + 1);
            if ((value & ((1UL << shift) - 1)) != 0) break;
            best = $"{value >> shift}{units[i]}";
        }
        return best;
    }
}
