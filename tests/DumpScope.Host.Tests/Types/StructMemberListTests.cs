using DumpScope.Host.Commands.Builtins;

namespace DumpScope.Host.Tests.Types;

/// <summary>crash's struct forms: member lists, COUNT, -l (an address inside the object), union, and address expressions.</summary>
public class StructMemberListTests
{
    private const ulong Tasks = 0xffff888003a40000UL;

    private static (SyntheticKernel Kernel, KernelType Task) Kernel()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        var task = kernel.Types.Require("struct task_struct");
        kernel.Memory.Map(Tasks, new byte[task.Size * 2]);
        for (int i = 0; i < 2; i++)
        {
            ulong at = Tasks + (ulong)i * task.Size;
            kernel.Memory.WriteU32(at + task.FindMember("pid").Offset, (uint)(100 + i));
            kernel.Memory.WriteU32(at + task.FindMember("prio").Offset, 120);
            kernel.Memory.Write(at + task.FindMember("comm").Offset, Encoding.ASCII.GetBytes($"task{i}\0"));
        }
        kernel.Symbols.Add("first_task", Tasks);
        return (kernel, task);
    }

    private static CommandResult Run(SyntheticKernel kernel, StructCommand command, string line = "struct") => command.Execute(kernel.Context(line));

    private static List<(string Name, string Value)> Rows(CommandResult result) =>
        result.Blocks.OfType<TableBlock>().SelectMany(t => t.Rows)
            .Select(r => (ResultText.Show(r.Cells[0]), ResultText.Show(r.Cells[2]))).ToList();

    [Fact]
    public void A_member_list_prints_those_members_in_the_order_given()
    {
        var (kernel, _) = Kernel();
        var result = Run(kernel, new StructCommand { TypeName = "task_struct.pid,comm,prio", Address = $"{Tasks:x}" });
        result.Failed.Should().BeFalse(result.Error);
        Rows(result).Should().Equal(("pid", "100"), ("comm", "task0"), ("prio", "120"));
    }

    [Fact]
    public void Count_prints_consecutive_objects()
    {
        var (kernel, _) = Kernel();
        var result = Run(kernel, new StructCommand { TypeName = "task_struct.pid,comm", Address = "first_task", Count = 2 });
        Rows(result).Should().Equal(("pid", "100"), ("comm", "task0"), ("pid", "101"), ("comm", "task1"));
    }

    [Fact]
    public void Minus_l_takes_the_address_of_a_member_and_prints_its_container()
    {
        var (kernel, task) = Kernel();
        ulong tasks = task.FindMember("tasks").Offset;
        foreach (var member in new[] { "task_struct.tasks", "tasks", tasks.ToString(CultureInfo.InvariantCulture), $"0x{tasks:x}" })
        {
            var result = Run(kernel, new StructCommand { TypeName = "task_struct.pid", Address = $"{Tasks + task.Size + tasks:x}", ListMember = member });
            Rows(result).Should().Equal([("pid", "101")], member);
        }
        var act = () => Run(kernel, new StructCommand { TypeName = "task_struct.pid", Address = "1", ListMember = "list_head.nope" });
        act.Should().Throw<UsageException>().WithMessage("*struct list_head has no member 'nope'*");
    }

    [Fact]
    public void The_address_is_an_expression()
    {
        var (kernel, task) = Kernel();
        var result = Run(kernel, new StructCommand { TypeName = "task_struct.pid", Address = $"first_task + {task.Size}" });
        Rows(result).Should().Equal(("pid", "101"));
        result = Run(kernel, new StructCommand { TypeName = "task_struct.pid", Address = $"(struct task_struct *)first_task + 1" });
        Rows(result).Should().Equal(("pid", "101"));
        var act = () => Run(kernel, new StructCommand { TypeName = "task_struct", Address = "first_task +" });
        act.Should().Throw<UsageException>().WithMessage("*'+' needs an operand*column*");
    }

    [Fact]
    public void A_member_list_without_an_address_shows_those_members_offsets()
    {
        var (kernel, task) = Kernel();
        var result = Run(kernel, new StructCommand { TypeName = "task_struct.pid,tasks" });
        result.Failed.Should().BeFalse(result.Error);
        var text = ResultText.Render(result);
        text.Should().Contain("pid").And.Contain("tasks").And.NotContain("comm");
        var act = () => Run(kernel, new StructCommand { TypeName = "task_struct.pid,nope" });
        act.Should().Throw<UsageException>().WithMessage("*struct task_struct has no member 'nope'*");
    }

    [Fact]
    public void Union_prefers_the_union_of_the_name()
    {
        var (kernel, _) = Kernel();
        var result = Run(kernel, new StructCommand { TypeName = "bpf_attr" }, "union bpf_attr");
        result.Blocks.OfType<RecordBlock>().First().Fields.First(f => f.Name == "TYPE").Value.Value.Should().Be("union bpf_attr");
    }
}
