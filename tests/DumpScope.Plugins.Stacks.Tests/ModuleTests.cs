using DumpScope.Testing;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>mod and module symbols on the real dumps against the guest's own /proc/modules.</summary>
[Collection("dumps")]
public sealed class ModuleTests(DumpSessions dumps)
{
    // "--- modules" in groundtruth-guest.txt: /proc/modules lines "name size refcount deps state address".
    private static List<(string Name, ulong Size, long Refs, ulong Base)> ProcModules(string fixture)
    {
        var lines = File.ReadAllLines(Fixtures.Require($"{fixture}/groundtruth-guest.txt"));
        return lines.SkipWhile(l => l != "--- modules").Skip(1).TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (p[0], ulong.Parse(p[1], CultureInfo.InvariantCulture), long.Parse(p[2], CultureInfo.InvariantCulture),
                ulong.Parse(p[^1][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            .ToList();
    }

    [SkippableTheory]
    [InlineData("kd3")]
    [InlineData("kd1")]
    public void Mod_lists_what_the_guests_proc_modules_listed(string fixture)
    {
        var expected = ProcModules(fixture);
        expected.Should().NotBeEmpty();
        var result = dumps.Session($"{fixture}/vmcore.kdump-zlib-d31").Run("mod");
        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().Single();
        var rows = table.Rows.Select(r => ((string)r.Cells[1].Value!, Convert.ToUInt64(r.Cells[3].Value, CultureInfo.InvariantCulture),
            Convert.ToInt64(r.Cells[6].Value, CultureInfo.InvariantCulture), (ulong)r.Cells[2].Value!)).ToList();
        rows.Should().Equal(expected, "same names, sizes, reference counts and bases, in /proc/modules order");
        table.Rows.Should().OnlyContain(r => r.Problem == null);
        table.Rows.Select(r => (string)r.Cells[4].Value!).Should().OnlyContain(s => s == "Live");
        // Debian builds every module with BTF; a live module's is the BPF subsystem's copy on btf_modules.
        table.Rows.Should().OnlyContain(r => r.Cells[9].Absence == Absence.None && Convert.ToUInt64(r.Cells[9].Value, CultureInfo.InvariantCulture) > 24UL);
        result.Warnings.Should().BeEmpty();
    }

    [SkippableFact]
    public void Sym_names_module_functions_by_address_and_finds_them_by_name()
    {
        var session = dumps.Kd3;
        var byName = session.Run("sym vring_interrupt");
        var row = byName.Blocks.OfType<TableBlock>().Single().Rows.Single();
        ulong address = (ulong)row.Cells[0].Value!;
        ((string)row.Cells[2].Value!).Should().Be("vring_interrupt [virtio_ring]");
        var virtioRing = ProcModules("kd3").Single(m => m.Name == "virtio_ring");
        address.Should().BeInRange(virtioRing.Base, virtioRing.Base + virtioRing.Size - 1);

        var byAddress = session.Run($"sym {address + 0x10:x}");
        ((string)byAddress.Blocks.OfType<TableBlock>().Single().Rows.Single().Cells[2].Value!).Should().Be("vring_interrupt+16 [virtio_ring]");
    }
}
