namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>StructLayout's member probing (spellings, scalars, nested paths) and ObjectReads on holes in memory.</summary>
public sealed class StructLayoutTests
{
    private const ulong Task = 0xffff_8880_0010_0ff0;

    private static SyntheticKernel Kernel()
    {
        var k = new SyntheticKernel(SyntheticTypes.WithListTypes());
        k.Struct("struct thread_info", ("flags", k.T("unsigned long")), ("cpu", k.T("unsigned int")));
        k.Struct("struct task", ("thread_info", k.T("struct thread_info")), ("state", k.T("long")), ("tasks", k.T("struct list_head")),
            ("comm", k.Array("char", 16)), ("prio", k.T("int")));
        return k;
    }

    [Fact]
    public void Find_takes_the_first_spelling_the_kernel_has_and_reports_which()
    {
        var layout = StructLayout.Probe(Kernel(), "struct task");
        layout.Which("__state", "state").Should().Be("state");
        var state = layout.RequireScalar("__state", "state");
        state.Path.Should().Be("state");
        state.Offset.Should().Be(16);
        layout.OffsetOf("thread_info.cpu", "cpu").Should().Be(8);
        layout.Has("tasks.next").Should().BeTrue();
        layout.Find("pid_links[0]").Should().BeNull();
    }

    [Fact]
    public void Scalar_probes_skip_aggregates_and_missing_members_throw_naming_every_spelling()
    {
        var layout = StructLayout.Probe(Kernel(), "struct task");
        layout.Find("tasks").Should().NotBeNull();
        layout.FindScalar("tasks").Should().BeNull("a list_head is not a scalar");
        layout.FindScalar("tasks", "prio")!.Path.Should().Be("prio");
        var missing = () => layout.Require("__state_new", "state_old");
        missing.Should().Throw<TypeNotFoundException>().WithMessage("*__state_new, state_old*");
        StructLayout.TryProbe(Kernel(), "struct absent").Should().BeNull();
        var notAStruct = () => new StructLayout(Kernel().T("int"));
        notAStruct.Should().Throw<TypeNotFoundException>();
    }

    [Fact]
    public void Reads_of_members_across_a_hole_say_why_instead_of_throwing()
    {
        // The task straddles a page boundary: its first 16 bytes are placed, the next page is excluded.
        var k = Kernel();
        var layout = StructLayout.Probe(k, "struct task");
        k.Memory.Write(Task, new byte[16]);
        k.Set("struct task", Task, "thread_info.cpu", 3);
        k.Memory.Exclude(Task + 0x10);
        var task = k.Object("struct task", Task);

        task.TryUnsigned(layout.Require("thread_info.cpu"), out var cpu, out var reason).Should().BeTrue(reason);
        cpu.Should().Be(3);
        task.TryInteger(layout.Require("state"), out _, out reason).Should().BeFalse();
        reason.Should().Contain("excluded");
        task.TryString(layout.Require("comm"), out var comm, out reason).Should().BeFalse();
        comm.Should().BeEmpty();
        reason.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Signed_members_are_sign_extended_and_strings_stop_at_nul()
    {
        var k = Kernel();
        var layout = StructLayout.Probe(k, "struct task");
        k.Zero("struct task", Task);
        k.Set("struct task", Task, "prio", 0xffff_fff6);
        k.SetString("struct task", Task, "comm", "kworker/0:1");
        var task = k.Object("struct task", Task);
        task.TryInteger(layout.Require("prio"), out var prio, out _).Should().BeTrue();
        prio.Should().Be(-10);
        task.TryString(layout.Require("comm"), out var comm, out _).Should().BeTrue();
        comm.Should().Be("kworker/0:1");
    }
}
