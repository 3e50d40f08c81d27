using DumpScope.Host.Session;
using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>
/// Kernel modules' own types from the split BTF the kernel keeps in memory (btf_modules), on kd3: seven modules
/// loaded (the guest's /proc/modules), each built with BTF on top of vmlinux's.
/// </summary>
public class ModuleBtfFixtureTests
{
    private static BtfTypeCatalog Catalog(DumpScopeSession session) =>
        session.Kernel().Types.Should().BeOfType<BtfTypeCatalog>().Subject;

    [SkippableFact]
    public void Every_loaded_module_has_its_BTF_read_on_top_of_the_kernels()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"));
        var catalog = Catalog(session);
        var modules = catalog.Modules;
        catalog.ModuleProblems.Should().BeEmpty();
        var guest = GroundTruthModules();
        modules.Select(m => m.ModuleName).Should().BeEquivalentTo(guest);
        foreach (var module in modules)
        {
            module.FirstTypeId.Should().Be(catalog.TypeCount + 1, "split BTF ids continue vmlinux's");
            module.TypeCount.Should().BePositive();
        }
    }

    [SkippableFact]
    public void A_type_only_a_module_defines_is_found_and_refers_into_vmlinux_types()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"));
        var types = session.Kernel().Types;
        // virtio_blk.c's private device struct: not in vmlinux's BTF.
        var blk = types.FindType("struct virtio_blk");
        blk.Should().NotBeNull();
        var vdev = blk!.Members.Single(m => m.Name == "vdev");
        vdev.Type.DisplayName.Should().Be("struct virtio_device *", "a member's type id below the module's first is vmlinux's");
        vdev.Type.Target!.Resolve().Size.Should().Be(types.FindType("struct virtio_device")!.Size);
        // Names vmlinux defines still come from vmlinux.
        types.FindType("struct task_struct")!.Should().BeSameAs(Catalog(session).FindType("struct task_struct"));
    }

    [SkippableFact]
    public void Whatis_prints_a_module_struct_from_the_dump_alone()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"));
        var text = ResultText.Render(session.Run("whatis struct virtio_blk"));
        text.Should().Contain("struct virtio_blk {").And.Contain("struct virtio_device *vdev;");
    }

    private static IEnumerable<string> GroundTruthModules()
    {
        var lines = File.ReadAllLines(Fixtures.Require("kd3/groundtruth-guest.txt"));
        return lines.Where(l => l.Contains(" Live 0x", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]);
    }
}
