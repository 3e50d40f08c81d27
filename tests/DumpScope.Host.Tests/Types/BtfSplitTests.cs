using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>
/// Split BTF (a kernel module's on top of vmlinux's): ids and string offsets continue the base's, references below the
/// first id are the base's types, a string the base has is reused; damage is refused with the offset.
/// </summary>
public class BtfSplitTests
{
    private static (BtfTypeCatalog Base, BtfBuilder Builder, int Task) Base() => Base(out _);

    private static (BtfTypeCatalog Base, BtfBuilder Builder, int Task) Base(out KernelBasicTypes basics)
    {
        var b = new BtfBuilder();
        basics = b.KernelBasics();
        int task = b.Struct("task_struct", 16, ("pid", basics.U32, 0, 0), ("tasks", basics.ListHead, 64, 0));
        return (BtfTypeCatalog.FromBytes(b.Build(), "base"), b, task);
    }

    [Fact]
    public void A_module_type_refers_to_base_types_by_id_and_reuses_base_strings()
    {
        var (vmlinux, b, task) = Base(out var basics);
        var m = b.Split();
        int first = m.NextId;
        int taskPtr = m.Ptr(task);
        int mine = m.Struct("mod_private", 24, ("owner", taskPtr, 0, 0), ("pid", basics.U32, 64, 0), ("count", taskPtr, 128, 0));
        var module = BtfTypeCatalog.FromSplit(vmlinux, m.Build(), "module test", (uint)first, b.StringSpace, "test");

        module.FirstTypeId.Should().Be(first);
        module.TypeCount.Should().Be(2);
        module.ModuleName.Should().Be("test");
        var type = module.FindType("struct mod_private");
        type.Should().NotBeNull();
        type!.Size.Should().Be(24UL);
        type.Members.Select(x => x.Name).Should().Equal("owner", "pid", "count");
        type.Members[0].Type.DisplayName.Should().Be("struct task_struct *");
        type.Members[0].Type.Target.Should().BeSameAs(vmlinux.FindType("struct task_struct"), "ids below the first are the base's own objects");
        module.TypeById(mine).Should().BeSameAs(type);
        module.FindType("struct task_struct").Should().BeNull("a module catalog answers for its own names; the kernel's catalog for the rest");
    }

    [Fact]
    public void The_kernels_catalog_finds_module_types_after_its_own()
    {
        var (vmlinux, b, task) = Base();
        var m = b.Split();
        m.Struct("mod_only", 8, ("owner", m.Ptr(task), 0, 0));
        var module = BtfTypeCatalog.FromSplit(vmlinux, m.Build(), "module test");
        vmlinux.FindType("struct mod_only").Should().BeNull("no modules attached yet");
        vmlinux.AttachModules(() => [module]);
        vmlinux.FindType("struct mod_only").Should().NotBeNull();
        vmlinux.FindType("mod_only").Should().NotBeNull();
        vmlinux.TypeNames.Should().Contain("struct mod_only").And.Contain("struct task_struct");
    }

    [Fact]
    public void A_split_that_does_not_continue_the_base_is_refused()
    {
        var (vmlinux, b, task) = Base();
        var m = b.Split();
        m.Struct("mod_only", 8, ("owner", m.Ptr(task), 0, 0));
        var data = m.Build();
        var wrongId = () => BtfTypeCatalog.FromSplit(vmlinux, data, "module x", startId: (uint)b.NextId + 5);
        wrongId.Should().Throw<InvalidDataException>().WithMessage("*start_id*does not continue the base BTF*");
        var wrongStrings = () => BtfTypeCatalog.FromSplit(vmlinux, data, "module x", startStringOffset: 1);
        wrongStrings.Should().Throw<InvalidDataException>().WithMessage("*start_str_off 1*");
    }

    [Fact]
    public void A_reference_past_the_modules_last_type_is_refused_with_its_offset()
    {
        var (vmlinux, b, _) = Base();
        var m = b.Split();
        m.Ptr(m.NextId + 40);
        m.Str("x");
        var load = () => BtfTypeCatalog.FromSplit(vmlinux, m.Build(), "module x");
        load.Should().Throw<InvalidDataException>().WithMessage("*refers to type id*past the last type*");
    }

    [Fact]
    public void A_typedef_cycle_inside_the_module_is_refused_and_chains_into_the_base_end_there()
    {
        var (vmlinux, b, task) = Base();
        var m = b.Split();
        int a = m.NextId;
        m.Typedef("loop_a", a + 1);
        m.Typedef("loop_b", a);
        var load = () => BtfTypeCatalog.FromSplit(vmlinux, m.Build(), "module x");
        load.Should().Throw<InvalidDataException>().WithMessage("*reference cycle*");

        var ok = b.Split();
        ok.Typedef("task_t", task);
        ok.Array(task, b.NextId - 1, 3);
        BtfTypeCatalog.FromSplit(vmlinux, ok.Build(), "module y").FindType("task_t")!.Size.Should().Be(16UL);
    }
}
