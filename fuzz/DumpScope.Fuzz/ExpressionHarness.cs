using DumpScope.Host.Commands;
using DumpScope.Host.Commands.Builtins;
using DumpScope.Host.Expressions;
using DumpScope.Host.Rendering;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>The synthetic kernel the harnesses evaluate against.</summary>
    internal static SyntheticKernel Kernel => KernelLazy.Value;

    /// <summary>
    /// The evaluator and the commands that print its values (<c>p</c>, <c>p -a</c>, <c>eval</c>, <c>rd</c>, <c>struct</c>,
    /// <c>whatis</c>) on well-formed expressions built from the input (<see cref="ExpressionGrammar"/>), over a synthetic
    /// kernel whose memory holds a ring of self-pointing list heads (so dereference chains go somewhere). Only
    /// <see cref="UsageException"/> and <see cref="MemoryFaultException"/> may escape the evaluator and the commands
    /// (the session shows either as the command's one-line error); rendering the result must not fail.
    /// </summary>
    public static void RunEvaluator(byte[] data)
    {
        var kernel = KernelLazy.Value;
        var grammar = new ExpressionGrammar(data, kernel.Types);
        for (int i = 0; i < 4; i++)
        {
            var text = grammar.Next();
            Expect(() =>
            {
                var evaluator = new ExpressionEvaluator(kernel) { Cpu = i % 2 == 0 ? null : 1 };
                var value = evaluator.Evaluate(text);
                if (value.Type is not null) _ = value.Type.DisplayName;
                _ = evaluator.ScalarOf(value, 0);
            }, memory: true);
            Expect(() => ExpressionEvaluator.EvaluateAddress(kernel, text), memory: true);
            foreach (var line in new[] { $"p {text}", $"p -a {text}", $"eval {text}", $"rd {text} 2", $"struct task_struct.pid,comm {text}", $"whatis {text}" })
                Expect(() => RunCommand(kernel, line), memory: true); // the session turns a MemoryFaultException into the command's one-line error
        }
    }

    private static readonly Lazy<CommandRegistry> Registry = new(() =>
    {
        var registry = new CommandRegistry();
        foreach (var type in new[] { typeof(PrintCommand), typeof(EvalCommand), typeof(RdCommand), typeof(StructCommand), typeof(WhatisCommand) })
            registry.Add(type, "host");
        return registry;
    });

    private static void RunCommand(SyntheticKernel kernel, string line)
    {
        var (resolved, arguments) = Registry.Value.Resolve(CommandLineSplitter.Split(line));
        var command = (ICommand)Activator.CreateInstance(resolved.Type!)!; // host commands: never indexed, always with their class
        CommandBinder.Bind(resolved, command, arguments);
        var services = new ServiceCollection().AddSingleton<IKernel>(kernel).BuildServiceProvider();
        var result = command.Execute(new CommandContext(services, line, CancellationToken.None));
        _ = TextRenderer.Render(result);
        _ = JsonRenderer.Render(line, result);
    }

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
        // fuzz_ring: list heads pointing at each other, and a page of words that point back into it.
        const ulong ring = 0xffff_8880_0100_0000UL;
        kernel.Memory.Map(ring, new byte[8192]);
        for (ulong at = 0; at < 8192; at += 16)
        {
            kernel.Memory.WriteU64(ring + at, ring + ((at + 16) % 8192));
            kernel.Memory.WriteU64(ring + at + 8, ring + ((at + 8192 - 16) % 8192));
        }
        kernel.Global("fuzz_ring", ring, 0);
        kernel.Global("nr_cpu_ids", 0xffffffff82805100UL, 2);
        return kernel;
    }
}
