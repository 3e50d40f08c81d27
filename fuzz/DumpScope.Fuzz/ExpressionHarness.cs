using DumpScope.Host.Expressions;
using DumpScope.Testing.Types;

namespace DumpScope.Fuzz;

/// <summary>
/// The expression language of p/struct/rd/eval: the input as text is lexed, parsed (alone and as a type
/// name) and evaluated against a small synthetic kernel over the real 6.1 BTF (init_task, jiffies, a
/// per-cpu runqueues). Bad input may only fail with <see cref="UsageException"/> (and evaluation also with
/// <see cref="MemoryFaultException"/> for memory the synthetic kernel lacks).
/// </summary>
internal static class ExpressionHarness
{
    private static readonly Lazy<SyntheticKernel> KernelLazy = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void Run(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, ExpressionLexer.MaxLength + 16));
        Expect(() => ExpressionParser.Parse(text, name => name is "page" or "u64" or "atomic_t", name => name is "jiffies" or "page"), memory: false);
        Expect(() => ExpressionParser.ParseTypeName(text), memory: false);
        var kernel = KernelLazy.Value;
        Expect(() =>
        {
            var evaluator = new ExpressionEvaluator(kernel) { Cpu = data.Length % 3 == 0 ? 1 : null };
            var value = evaluator.Evaluate(text);
            if (value.Type is not null) _ = value.Type.DisplayName;
            _ = evaluator.ScalarOf(value, 0);
        }, memory: true);
        Expect(() => ExpressionEvaluator.EvaluateAddress(kernel, text), memory: true);
    }

    private static void Expect(Action body, bool memory)
    {
        try
        {
            body();
        }
        catch (UsageException)
        {
            // Bad input reported the documented way.
        }
        catch (MemoryFaultException) when (memory)
        {
            // The synthetic kernel has no memory there.
        }
    }

    private static SyntheticKernel Build()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        const ulong initTask = 0xffffffff82a13940UL;
        kernel.Memory.Map(initTask, new byte[16384]);
        kernel.Symbols.Add("init_task", initTask);
        kernel.Global("jiffies", 0xffffffff82805000UL, 4294895541);
        kernel.Symbols.Add("__per_cpu_start", 0);
        kernel.Symbols.Add("runqueues", 0x2c000);
        kernel.Symbols.Add("__per_cpu_end", 0x40000);
        kernel.Memory.Map(0x1000_0000UL * 2 + 0x2c000, new byte[8192]);
        return kernel;
    }
}
