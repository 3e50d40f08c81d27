using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>
/// mod -S on kd3 with the debug .ko files of its modules (tests/fixtures/fetch-module-debug.sh): every module loads,
/// and bt -l / dis -l then give lines in module code. Skips without the fixtures or the .ko files.
/// </summary>
public sealed class ModDebugTests
{
    [SkippableFact]
    public void Mod_S_loads_each_modules_debug_file_and_dis_l_then_has_module_lines()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), typeof(StacksPlugin).Assembly);
        session.Run("dis -l virtblk_probe 1").Error.Should().Contain("mod -S", "without debug files there are no lines");
        var result = session.Run($"mod -S {Fixtures.ModuleDebug}");
        result.Failed.Should().BeFalse(result.Error);
        var rows = result.Blocks.OfType<TableBlock>().Single().Rows;
        rows.Should().HaveCount(7);
        rows.Should().OnlyContain(r => (bool)r.Cells[2].Value!);
        result.Warnings.Should().BeEmpty();
        var dis = session.Run("dis -l virtblk_probe 1");
        dis.Failed.Should().BeFalse(dis.Error);
        dis.Blocks.OfType<TableBlock>().Single().Rows[0].Text.Should().StartWith("debian/build/build_amd64_none_cloud-amd64/drivers/block/virtio_blk.c: ");
    }

    [SkippableFact]
    public void Mod_S_gives_a_dwarf_session_the_modules_own_types_as_their_btf_has_them()
    {
        // A vmlinux's DWARF describes no module: struct virtio_blk (virtio_blk.ko's own) is unknown until mod -S reads
        // the module's DWARF. The dump's module BTF (a BTF session) is the independent reference for its layout.
        var dump = Fixtures.Require("kd3/vmcore.kdump-zlib-d31");
        using var dwarf = FixtureSession.Open(new SessionOptions { DumpPath = dump, VmlinuxPath = Fixtures.Vmlinux, Types = TypeSourceKind.Dwarf },
            typeof(StacksPlugin).Assembly);
        var modules = Fixtures.ModuleDebug;
        dwarf.Run("struct virtio_blk -o").Error.Should().Contain("virtio_blk");
        dwarf.Run("p virtblk_queue_depth").Error.Should().NotBeNull("the vmlinux does not know a module's variables");
        var load = dwarf.Run($"mod -S {modules}");
        load.Failed.Should().BeFalse(load.Error);
        load.Blocks.OfType<TableBlock>().Single().Rows.Should().OnlyContain(r => ((string)r.Cells[3].Value!).Contains("types: DWARF in", StringComparison.Ordinal));
        var shown = dwarf.Run("struct virtio_blk -o");
        shown.Failed.Should().BeFalse(shown.Error);
        // A module parameter (virtio_blk.c: static unsigned int virtblk_queue_depth), typed from the module's DWARF.
        var depth = dwarf.Run("p virtblk_queue_depth");
        depth.Failed.Should().BeFalse(depth.Error);
        depth.Blocks.OfType<RecordBlock>().Single().Fields.Should().Contain(f => f.Name == "TYPE" && (string)f.Value.Value! == "unsigned int");

        using var btf = FixtureSession.Open(new SessionOptions { DumpPath = dump, Types = TypeSourceKind.Btf }, typeof(StacksPlugin).Assembly);
        foreach (var name in new[] { "struct virtio_blk", "struct virtio_blk_vq", "struct virtio_pci_device", "struct vring_virtqueue", "struct fw_cfg_sysfs_entry" })
        {
            var fromDwarf = dwarf.Kernel().Types.FindType(name);
            var fromBtf = btf.Kernel().Types.FindType(name);
            fromBtf.Should().NotBeNull($"the dump's module BTF has {name}");
            fromDwarf.Should().NotBeNull($"mod -S gave {name}");
            fromDwarf!.Resolve().Size.Should().Be(fromBtf!.Resolve().Size, name);
            fromDwarf.Resolve().Members.Select(m => (m.Name, m.BitOffset)).Should().Equal(fromBtf.Resolve().Members.Select(m => (m.Name, m.BitOffset)), name);
        }
    }
}
