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
}
