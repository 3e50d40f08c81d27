using System.Text;
using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Types;
using DumpScope.Testing.Kernels;
using DumpScope.Testing.Types;
using MyPlugin.Commands;
using Xunit;

namespace MyPlugin.Tests;

/// <summary>
/// The command on a synthetic kernel (DumpScope.Testing): a real 6.1 kernel's layouts (the bundled BTF), one
/// task placed byte by byte. For a real dump, open a session with DumpScope.Testing.Sessions.FixtureSession.
/// </summary>
public class TaskStatesCommandTests
{
    private const ulong InitTask = 0xffff_ffff_8200_0000UL;

    private static SyntheticKernel OneTask(uint state)
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        var task = kernel.Types.FindType("struct task_struct")!;
        ulong Offset(string member) => task.FindMember(member).Offset;
        kernel.Symbols.Add("init_task", InitTask);
        kernel.Memory.Write(InitTask, new byte[task.Size]);
        kernel.Memory.WriteU64(InitTask + Offset("tasks"), InitTask + Offset("tasks"));      // an empty task list: only init_task
        kernel.Memory.WriteU64(InitTask + Offset("tasks") + 8, InitTask + Offset("tasks"));
        kernel.Memory.WriteU32(InitTask + Offset("__state"), state);
        kernel.Memory.Write(InitTask + Offset("comm"), Encoding.ASCII.GetBytes("swapper/0\0"));
        return kernel;
    }

    [Fact]
    public void Counts_tasks_per_state_and_lists_the_blocked_ones()
    {
        var result = new TaskStatesCommand().Execute(OneTask(state: 2).Context("myplugin-states")); // TASK_UNINTERRUPTIBLE

        Assert.False(result.Failed, result.Error);
        var states = Assert.IsType<TableBlock>(result.Blocks[0]);
        var row = Assert.Single(states.Rows);
        Assert.StartsWith("D", (string)row.Cells[0].Value!);
        Assert.Equal(1L, row.Cells[1].Value);
        var blocked = Assert.IsType<TableBlock>(result.Blocks[1]);
        Assert.Equal("swapper/0", Assert.Single(blocked.Rows).Cells[2].Value);
    }

    [Fact]
    public void A_running_task_is_not_blocked()
    {
        var result = new TaskStatesCommand().Execute(OneTask(state: 0).Context("myplugin-states"));

        Assert.False(result.Failed, result.Error);
        Assert.Empty(Assert.IsType<TableBlock>(result.Blocks[1]).Rows);
    }
}
