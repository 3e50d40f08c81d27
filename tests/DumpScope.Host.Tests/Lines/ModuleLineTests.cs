using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Lines;

/// <summary>
/// Module source lines on kd3 with --modules (the debug .ko files of its seven modules, relocated to their sections
/// in the dump) against addr2line on the .ko files themselves (tests/fixtures/kernel-6.1.0-56-cloud-amd64/addr2line-modules.txt).
/// Skips without the fixtures or the .ko files (tests/fixtures/fetch-module-debug.sh fetches them).
/// </summary>
public sealed class ModuleLineTests
{
    private static readonly Lazy<DumpScopeSession> Session = new(() => FixtureSession.Open(
        new SessionOptions { DumpPath = Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), ModulesPath = Fixtures.ModuleDebug }));

    [SkippableFact]
    public void Every_loaded_module_gets_its_debug_file_checked_against_kallsyms()
    {
        var modules = Session.Value.Services.GetRequiredService<IModuleDebugInfo>();
        var loaded = modules.Loaded;
        loaded.Select(l => l.Module).Should().BeEquivalentTo(["virtio_blk", "virtio_pci", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_ring", "qemu_fw_cfg"]);
        loaded.Should().OnlyContain(l => l.Loaded && l.Detail.Contains("8 of 8 functions at their kallsyms addresses"));
    }

    [SkippableFact]
    public void Module_code_gets_the_line_addr2line_gives_for_the_ko()
    {
        var session = Session.Value;
        var kernel = session.Kernel();
        var lines = session.Services.GetRequiredService<ISourceLineResolver>();
        var reference = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "references", "kernel-6.1.0-56-cloud-amd64", "addr2line-modules.txt"))
            .Where(l => !l.StartsWith('#')).Select(l => l.Split(' ')).ToList();
        reference.Should().HaveCountGreaterThan(30);
        var mismatches = new List<string>();
        foreach (var p in reference)
        {
            var (module, function, offset, expected) = (p[0], p[1], ulong.Parse(p[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture), p[3]);
            var symbol = kernel.Symbols.All.Single(s => s.Module == module && s.Name == function);
            var line = lines.Resolve(symbol.Address + offset);
            if (line?.ToString() != expected) mismatches.Add($"{module} {function}+{offset:x}: addr2line {expected}, ours {line?.ToString() ?? "none"}");
        }
        mismatches.Should().BeEmpty("every module line should agree:\n{0}", string.Join("\n", mismatches));
    }

    [SkippableFact]
    public void A_module_file_of_another_build_is_refused()
    {
        // virtio_blk's file offered as qemu_fw_cfg's: its functions do not sit where the dump's kallsyms say.
        var folder = Directory.CreateTempSubdirectory("dumpscope-wrong-ko-").FullName;
        try
        {
            File.Copy(Directory.EnumerateFiles(Fixtures.ModuleDebug, "virtio_blk.ko", SearchOption.AllDirectories).Single(), Path.Combine(folder, "qemu_fw_cfg.ko"));
            using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"));
            var loads = session.Services.GetRequiredService<IModuleDebugInfo>().Load(folder);
            var wrong = loads.Single(l => l.Module == "qemu_fw_cfg");
            wrong.Loaded.Should().BeFalse();
            wrong.Detail.Should().StartWith("not the module in the dump: ");
            loads.Where(l => l.Module != "qemu_fw_cfg").Should().OnlyContain(l => !l.Loaded && l.File == null);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
