using DumpScope.Host.Commands.Builtins;
using DumpScope.Host.Expressions;
using DumpScope.Host.Tests.Types;
using DumpScope.Host.Types.Btf;
using DumpScope.Host.Types.Globals;

namespace DumpScope.Host.Tests.Expressions;

/// <summary>
/// The evaluator over a synthetic kernel with the real 6.1 BTF: two tasks linked on init_task.tasks, an
/// 8-byte global left out of the declared set (so untyped), and a per-cpu runqueues whose CPU 1 copy says cpu = 1.
/// </summary>
public class ExpressionEvaluatorTests
{
    private const ulong InitTask = 0xffffffff82a13940UL;
    private const ulong SecondTask = 0xffff888003a4c000UL;
    private const ulong Jiffies = 0xffffffff82805000UL;
    private const ulong Runqueues = 0x2c000UL;

    // A private copy of the 6.1 BTF: the declared globals are attached to it (the shared one stays bare).
    private static readonly Lazy<BtfTypeCatalog> Catalog = new(() => BtfTypeCatalog.FromBytes(ReferenceTypes.Debian61Bytes, "6.1 BTF with declared globals"));

    private static SyntheticKernel Kernel()
    {
        var kernel = new SyntheticKernel(Catalog.Value);
        Catalog.Value.DeclaredGlobals = new DeclaredGlobals(Catalog.Value, kernel.Symbols,
            GlobalDeclarationFile.All.Where(d => d.Name != "jiffies").ToList());
        var task = kernel.Types.Require("struct task_struct");
        ulong Offset(string member) => task.FindMember(member).Offset;
        kernel.Memory.Map(InitTask, new byte[task.Size]);
        kernel.Memory.Map(SecondTask, new byte[task.Size]);
        kernel.Symbols.Add("init_task", InitTask);
        kernel.Memory.Write(InitTask + Offset("comm"), Encoding.ASCII.GetBytes("swapper/0\0"));
        kernel.Memory.Write(SecondTask + Offset("comm"), Encoding.ASCII.GetBytes("init\0"));
        kernel.Memory.WriteU32(SecondTask + Offset("pid"), 1);
        kernel.Memory.WriteU32(InitTask + Offset("prio"), 120);
        kernel.Memory.WriteU64(InitTask + Offset("tasks.next"), SecondTask + Offset("tasks"));
        kernel.Memory.WriteU64(SecondTask + Offset("tasks.next"), InitTask + Offset("tasks"));
        kernel.Global("jiffies", Jiffies, 4294895541);
        kernel.Symbols.Add("__per_cpu_start", 0);
        kernel.Symbols.Add("runqueues", Runqueues);
        kernel.Symbols.Add("__per_cpu_end", 0x40000);
        var rq = kernel.Types.Require("struct rq");
        kernel.Memory.Map(kernel.PerCpuOffset(1) + Runqueues, new byte[rq.Size]);
        kernel.Memory.WriteU32(kernel.PerCpuOffset(1) + Runqueues + rq.FindMember("cpu").Offset, 1);
        kernel.Memory.WriteU32(kernel.PerCpuOffset(1) + Runqueues + rq.FindMember("nr_running").Offset, 3);
        return kernel;
    }

    private static ulong Scalar(SyntheticKernel kernel, string text, int? cpu = null)
    {
        var evaluator = new ExpressionEvaluator(kernel) { Cpu = cpu };
        return evaluator.ScalarOf(evaluator.Evaluate(text), 0);
    }

    private static ulong TaskOffset(SyntheticKernel kernel, string member) => kernel.Types.Require("struct task_struct").FindMember(member).Offset;

    [Fact]
    public void Members_subscripts_and_arrows_read_the_object()
    {
        var kernel = Kernel();
        Scalar(kernel, "init_task.prio").Should().Be(120);
        Scalar(kernel, "init_task.comm[1]").Should().Be('w');
        Scalar(kernel, "init_task.tasks.next->next").Should().Be(InitTask + TaskOffset(kernel, "tasks"));
        var comm = new ExpressionEvaluator(kernel).Evaluate("init_task.comm");
        comm.Type!.DisplayName.Should().Be("char [16]");
        comm.Address.Should().Be(InitTask + TaskOffset(kernel, "comm"));
        Scalar(kernel, $"((struct task_struct *)0x{SecondTask:x})->pid").Should().Be(1);
        Scalar(kernel, $"(*(struct task_struct *){SecondTask:x}).pid").Should().Be(1, "a bare hex word is an address, as crash writes them");
    }

    [Fact]
    public void Container_of_and_offsetof_walk_from_a_list_head_to_its_task()
    {
        var kernel = Kernel();
        Scalar(kernel, "container_of(init_task.tasks.next, struct task_struct, tasks)").Should().Be(SecondTask);
        Scalar(kernel, "container_of(init_task.tasks.next, struct task_struct, tasks)->pid").Should().Be(1);
        Scalar(kernel, "offsetof(struct task_struct, tasks)").Should().Be(TaskOffset(kernel, "tasks"));
        Scalar(kernel, "offsetof(struct list_head, prev)").Should().Be(8);
        Scalar(kernel, "sizeof(struct list_head)").Should().Be(16);
        Scalar(kernel, "sizeof init_task.comm").Should().Be(16);
        Scalar(kernel, "sizeof(unsigned long [3])").Should().Be(24);
    }

    [Fact]
    public void Pointer_arithmetic_scales_by_the_target_and_casts_change_the_scale()
    {
        var kernel = Kernel();
        ulong size = kernel.Types.Require("struct task_struct").Size;
        Scalar(kernel, "&init_task + 1").Should().Be(InitTask + size);
        Scalar(kernel, "(char *)&init_task + 1").Should().Be(InitTask + 1);
        Scalar(kernel, "(unsigned long)&init_task + 1").Should().Be(InitTask + 1);
        Scalar(kernel, "&init_task.comm[4] - &init_task.comm[1]").Should().Be(3);
        Scalar(kernel, "(struct list_head *)0x1000 + 2").Should().Be(0x1020);
        Scalar(kernel, "&jiffies").Should().Be(Jiffies);
        Scalar(kernel, "(unsigned long)jiffies").Should().Be(4294895541, "a symbol without a type is read as the cast's type, as gdb does");
        Scalar(kernel, "*(unsigned long *)&jiffies").Should().Be(4294895541);
        Scalar(kernel, "*(unsigned int *)&jiffies").Should().Be(4294895541 & 0xffffffff);
    }

    [Fact]
    public void Integer_arithmetic_follows_C_with_64_bit_operands()
    {
        var kernel = Kernel();
        Scalar(kernel, "1 + 2 * 3").Should().Be(7);
        Scalar(kernel, "(1 << 20) - 1").Should().Be(0xfffff);
        Scalar(kernel, "0xffff / 3").Should().Be(0x5555);
        Scalar(kernel, "17 % 5").Should().Be(2);
        Scalar(kernel, "(unsigned long)~0 >> 60").Should().Be(0xf);
        Scalar(kernel, "-1 / 2").Should().Be(0, "literals are int, as in C");
        ((long)Scalar(kernel, "(long)-8 >> 1")).Should().Be(-4, "a signed right shift keeps the sign");
        ((long)Scalar(kernel, "(long)-7 / 2")).Should().Be(-3, "signed division truncates toward zero");
        Scalar(kernel, "(char)300").Should().Be(44);
        ((long)Scalar(kernel, "(char)200")).Should().Be(-56, "char is signed on x86-64");
        Scalar(kernel, "(unsigned char)-1").Should().Be(255);
        Scalar(kernel, "3 > 2 && 2 > 3 || !0").Should().Be(1);
        Scalar(kernel, "1 << 64").Should().Be(0);
        Scalar(kernel, "4k * 3").Should().Be(12288);
    }

    [Fact]
    public void Per_cpu_variables_need_a_cpu_and_take_the_suffix_the_function_or_the_default()
    {
        var kernel = Kernel();
        Scalar(kernel, "runqueues:1.cpu").Should().Be(1);
        Scalar(kernel, "per_cpu(runqueues, 1).nr_running").Should().Be(3);
        Scalar(kernel, "runqueues.nr_running", cpu: 1).Should().Be(3);
        Scalar(kernel, "&runqueues:1").Should().Be(kernel.PerCpuOffset(1) + Runqueues);
        Scalar(kernel, "&runqueues").Should().Be(Runqueues, "unplaced, a per-cpu variable's address is its offset");
        var act = () => Scalar(kernel, "runqueues.cpu");
        act.Should().Throw<UsageException>().WithMessage("*'runqueues' is a per-cpu variable*runqueues:CPU*runqueues:a*");
        act = () => Scalar(kernel, "runqueues:2.cpu");
        act.Should().Throw<UsageException>().WithMessage("*CPU 2 does not exist*0 to 1*");
        act = () => Scalar(kernel, "init_task:1");
        act.Should().Throw<UsageException>().WithMessage("*'init_task' is not a per-cpu variable*");
        act = () => Scalar(kernel, "runqueues:a.cpu");
        act.Should().Throw<UsageException>().WithMessage("*':a' (every CPU) is not possible here*");
    }

    [Fact]
    public void Address_mode_reads_symbols_as_addresses_like_crash()
    {
        var kernel = Kernel();
        ExpressionEvaluator.EvaluateAddress(kernel, "init_task").Should().Be(InitTask);
        ExpressionEvaluator.EvaluateAddress(kernel, "init_task+0x10").Should().Be(InitTask + 0x10);
        ExpressionEvaluator.EvaluateAddress(kernel, "jiffies + 8").Should().Be(Jiffies + 8);
        ExpressionEvaluator.EvaluateAddress(kernel, "init_task.tasks").Should().Be(InitTask + TaskOffset(kernel, "tasks"), "a struct member is its address");
        ExpressionEvaluator.EvaluateAddress(kernel, "init_task.tasks.next").Should().Be(SecondTask + TaskOffset(kernel, "tasks"), "a pointer is its value");
        ExpressionEvaluator.EvaluateAddress(kernel, "runqueues:1").Should().Be(kernel.PerCpuOffset(1) + Runqueues);
        ExpressionEvaluator.EvaluateAddress(kernel, "ffff888003a4c000").Should().Be(SecondTask);
        ExpressionEvaluator.EvaluateAddress(kernel, "8000000000000000").Should().Be(0x8000000000000000UL, "a bare number as the whole address is hex, as in crash");
        ExpressionEvaluator.EvaluateAddress(kernel, "0x1000").Should().Be(0x1000UL);
        ExpressionEvaluator.EvaluateAddress(kernel, "0xffff888003a4c000 - 0x10").Should().Be(SecondTask - 0x10);
        ExpressionEvaluator.EvaluateAddress(kernel, "runqueues", cpu: 1).Should().Be(kernel.PerCpuOffset(1) + Runqueues);
    }

    [Fact]
    public void A_bitfield_reads_its_bits_only()
    {
        var kernel = Kernel();
        var task = kernel.Types.Require("struct task_struct");
        task.TryFindMember("sched_reset_on_fork", out var location).Should().BeTrue();
        location.BitSize.Should().Be(1);
        ulong at = InitTask + location.BitOffset / 8;
        kernel.Memory.WriteU8(at, (byte)(0xff & ~(1 << (int)(location.BitOffset % 8))));
        Scalar(kernel, "init_task.sched_reset_on_fork").Should().Be(0);
        kernel.Memory.WriteU8(at, (byte)(1 << (int)(location.BitOffset % 8)));
        Scalar(kernel, "init_task.sched_reset_on_fork").Should().Be(1);
        var act = () => Scalar(kernel, "&init_task.sched_reset_on_fork");
        act.Should().Throw<UsageException>().WithMessage("*bitfield*");
    }

    [Theory]
    [InlineData("no_such_symbol", "*'no_such_symbol' is not a symbol*(column 1 of 'no_such_symbol')*")]
    [InlineData("init_task.nope", "*struct task_struct has no member 'nope'*(column 10*")]
    [InlineData("init_task->pid", "*'->' needs a pointer*use '.'*")]
    [InlineData("*init_task.pid", "*'*' needs a pointer*has type pid_t*")]
    [InlineData("1 / 0", "*division by zero*")]
    [InlineData("init_task + 1", "*'init_task' has type struct task_struct, not a number*")]
    [InlineData("(struct task_struct)1", "*cannot cast to struct task_struct*(struct task_struct *)*")]
    [InlineData("(struct no_such_type *)1", "*unknown type 'struct no_such_type'*")]
    [InlineData("jiffies + 1", "*do not know the type of 'jiffies'*(unsigned long)jiffies*(struct TYPE *)&jiffies*")]
    [InlineData("jiffies.x", "*do not know the type of 'jiffies'*")]
    [InlineData("task_struct", "*'task_struct' is not a symbol*it is a type*")]
    [InlineData("init_task.comm[1].x", "*has type char, not a struct or union*")]
    [InlineData("*(void **)&init_task", null)]
    public void Mistakes_say_what_is_wrong_and_where(string text, string? message)
    {
        var kernel = Kernel();
        var act = () => Scalar(kernel, text);
        if (message is null) act.Should().NotThrow();
        else act.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void Unreadable_memory_is_a_memory_fault_naming_the_address()
    {
        var act = () => Scalar(Kernel(), "*(unsigned long *)0xffff888100000000");
        act.Should().Throw<MemoryFaultException>().Which.Fault.Address.Should().Be(0xffff888100000000UL);
    }

    [Fact]
    public void Eval_shows_four_bases_and_a_size_like_crash()
    {
        var result = EvalCommandTests.Run(Kernel(), "1024 * 3");
        EvalCommandTests.Field(result, "HEXADECIMAL").Should().Be("c00");
        EvalCommandTests.Field(result, "DECIMAL").Should().Be("3072");
        EvalCommandTests.Field(result, "OCTAL").Should().Be("6000");
        EvalCommandTests.Field(result, "BINARY").Should().Be(new string('0', 52) + "110000000000");
        EvalCommandTests.Field(result, "SIZE").Should().Be("3KB");
        EvalCommandTests.Field(EvalCommandTests.Run(Kernel(), "(long)-1"), "DECIMAL").Should().Be("-1");
        EvalCommandTests.Field(EvalCommandTests.Run(Kernel(), "&init_task"), "HEXADECIMAL").Should().Be($"{InitTask:x}");
        EvalCommand.SizeText(1UL << 20).Should().Be("1MB");
        EvalCommand.SizeText(1536).Should().BeNull();
        EvalCommand.SizeText(0).Should().BeNull();
    }
}

/// <summary>Helpers for eval results.</summary>
internal static class EvalCommandTests
{
    public static CommandResult Run(SyntheticKernel kernel, string text) => new EvalCommand { Words = [text] }.Execute(kernel.Context());

    public static string Field(CommandResult result, string name) =>
        ResultText.Show(result.Blocks.OfType<RecordBlock>().Single().Fields.Single(f => f.Name == name).Value);
}
