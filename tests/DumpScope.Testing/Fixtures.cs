using ZstdSharp;

namespace DumpScope.Testing;

/// <summary>
/// Finds the real kernel dumps: <c>DUMPSCOPE_FIXTURES</c>, else a <c>shared/fixtures</c> folder beside an
/// ancestor of the test binaries (the repository checkout sits next to <c>shared/</c>), else the output
/// folder of tests/fixtures/make-kdump.sh. Without fixtures, real-dump tests skip with the reason; under
/// CI (<c>CI=true</c>) a missing fixture is a failure.
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<string?> RootLazy = new(FindRoot);
    private static readonly object DecompressLock = new();

    /// <summary>The fixtures folder, or null.</summary>
    public static string? Root => RootLazy.Value;

    /// <summary>True when running under CI.</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The absolute path of a fixture file (relative to the fixtures root, e.g. "kd1/vmcore.kdump-zlib-d31").
    /// Skips the test when absent (fails under CI). A name ending in .zst is decompressed once into a cache
    /// folder and the decompressed path returned (ask for "kd1/vmcore.elf-d31").
    /// </summary>
    public static string Require(string relativePath)
    {
        var root = Root;
        if (root is null) Missing($"no fixtures folder (set DUMPSCOPE_FIXTURES or place shared/fixtures beside the checkout)");
        var path = Path.Combine(root!, relativePath);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        if (File.Exists(path + ".zst")) return Decompressed(path + ".zst", relativePath);
        Missing($"fixture '{relativePath}' not found under {root}");
        return null!;
    }

    /// <summary>
    /// An OPTIONAL fixture (one the real CI's shared folder does not hold, e.g. a dump made this session for a
    /// newer kernel): its absolute path, decompressing a .zst sibling once like <see cref="Require"/>, or a skip
    /// with the reason when absent, under CI too.
    /// </summary>
    public static string Optional(string relativePath)
    {
        var root = Root;
        Xunit.Skip.If(root is null, "no fixtures folder (set DUMPSCOPE_FIXTURES or place shared/fixtures beside the checkout)");
        var path = Path.Combine(root!, relativePath);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        if (File.Exists(path + ".zst")) return Decompressed(path + ".zst", relativePath);
        Xunit.Skip.If(true, $"optional fixture '{relativePath}' is not under {root} (tests/fixtures/make-kdump.sh makes it)");
        return null!;
    }

    /// <summary>The kd1 kdump-compressed zlib dump.</summary>
    public static string Kd1Zlib => Require("kd1/vmcore.kdump-zlib-d31");
    /// <summary>The kd1 kdump-compressed LZO dump.</summary>
    public static string Kd1Lzo => Require("kd1/vmcore.kdump-lzo-d31");
    /// <summary>The kd1 flattened dump.</summary>
    public static string Kd1Flat => Require("kd1/vmcore.kdump-zlib-d31.flat");
    /// <summary>The kd1 ELF -d31 dump (decompressed once).</summary>
    public static string Kd1Elf => Require("kd1/vmcore.elf-d31");
    /// <summary>The q1 QEMU ELF dump (decompressed once).</summary>
    public static string Q1Elf => Require("q1/vmcore.elf");
    /// <summary>The kernel's System.map.</summary>
    public static string SystemMap => Require("kernel-6.1.0-56-cloud-amd64/System.map-6.1.0-56-cloud-amd64");
    /// <summary>The kernel's raw BTF.</summary>
    public static string Btf => Require("kernel-6.1.0-56-cloud-amd64/vmlinux.btf");
    /// <summary>The k510 kdump-compressed zlib dump (Debian 11's 5.10: no kallsyms in VMCOREINFO).</summary>
    public static string K510Zlib => Require("k510/vmcore.kdump-zlib-d31");
    /// <summary>The k510 ELF -d31 dump (decompressed once).</summary>
    public static string K510Elf => Require("k510/vmcore.elf-d31");
    /// <summary>The k510 kernel's System.map (unrelocated: add KERNELOFFSET).</summary>
    public static string K510SystemMap => Require("k510/kernel/System.map-5.10.0-32-cloud-amd64");

    /// <summary>
    /// The fixtures' kernel as a vmlinux with DWARF (Debian's -dbg package, 590 MB): shared/tools/fetch-debian-vmlinux.sh
    /// downloads it once into ~/.cache/dumpscope and prints its path; the script runs once per test run
    /// (<c>DUMPSCOPE_VMLINUX</c> names a copy instead). When it fails the test skips with the reason (fails under CI).
    /// </summary>
    public static string Vmlinux => VmlinuxLazy.Value.Path();

    private static readonly Lazy<FetchedDebugFile> VmlinuxLazy =
        new(() => FetchOnce("DUMPSCOPE_VMLINUX", SharedTool("fetch-debian-vmlinux.sh"), []));

    /// <summary>
    /// k510's kernel as a vmlinux with DWARF (Debian 11's linux-image-5.10.0-32-cloud-amd64-dbg): <c>DUMPSCOPE_VMLINUX_510</c>,
    /// else fetched once into ~/.cache/dumpscope by shared/tools/fetch-debian-vmlinux.sh (through a private bullseye apt list).
    /// </summary>
    public static string K510Vmlinux => K510VmlinuxLazy.Value.Path();

    private static readonly Lazy<FetchedDebugFile> K510VmlinuxLazy =
        new(() => FetchOnce("DUMPSCOPE_VMLINUX_510", SharedTool("fetch-debian-vmlinux.sh"), ["5.10.0-32-cloud-amd64"]));

    /// <summary>
    /// The debug .ko files of the modules loaded in the 6.1 fixture dumps (from linux-image-6.1.0-56-cloud-amd64-dbg):
    /// <c>DUMPSCOPE_MODULES</c>, else fetched once into ~/.cache/dumpscope/modules-6.1.0-56-cloud-amd64 by
    /// tests/fixtures/fetch-module-debug.sh.
    /// </summary>
    public static string ModuleDebug => ModuleDebugLazy.Value.Path();

    private static readonly Lazy<FetchedDebugFile> ModuleDebugLazy =
        new(() => FetchOnce("DUMPSCOPE_MODULES", Repository.File("tests/fixtures/fetch-module-debug.sh"), []));

    /// <summary>~/.cache/dumpscope (XDG_CACHE_HOME respected): where the debug files fetched once are kept.</summary>
    public static string DumpScopeCache =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "dumpscope");

    // A script of shared/tools, or null without a fixtures folder.
    private static string? SharedTool(string name) =>
        Root is { } root ? Path.Combine(Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!, "tools", name) : null;

    // The path of a debug file or folder, or why there is none.
    private sealed record FetchedDebugFile(string? Found, string? Problem)
    {
        public string Path()
        {
            if (Found is null) Missing(Problem!);
            return Found!;
        }
    }

    // A debug file or folder named by an environment variable, else fetched once per test run by a script that
    // downloads it into the cache (a second run finds it there) and prints its path as its last line.
    private static FetchedDebugFile FetchOnce(string variable, string? script, string[] arguments)
    {
        var env = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(env))
            return File.Exists(env) || Directory.Exists(env) ? new(System.IO.Path.GetFullPath(env), null) : new(null, $"{variable}={env} does not exist");
        if (script is null) return new(null, $"no fixtures folder, so no fetch script (set {variable})");
        if (!File.Exists(script)) return new(null, $"{script} not found (set {variable})");
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("bash", [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
            {
                process.Kill(entireProcessTree: true);
                return new(null, $"{script} did not finish within 20 minutes");
            }
            var path = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (process.ExitCode != 0 || path is null || !(File.Exists(path) || Directory.Exists(path)))
                return new(null, $"{script} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {error.Result.Trim()} (set {variable})");
            return new(path, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return new(null, $"cannot run {script}: {e.Message}");
        }
    }

    private static void Missing(string reason)
    {
        if (UnderCi) throw new InvalidOperationException($"CI=true but {reason}");
        Xunit.Skip.If(true, reason);
    }

    /// <summary>leak/: dump A, before the workload (decompressed once).</summary>
    public static string LeakDumpA => Require("leak/dumpA.kdump-zlib");

    /// <summary>leak/: dump B of the same boot, after the workload (stored as a zstd patch against dump A; applied once).</summary>
    public static string LeakDumpB => RequirePatched("leak/dumpB.kdump-zlib.patch.zst", "leak/dumpA.kdump-zlib");

    /// <summary>Where decompressed fixtures are kept: <c>DUMPSCOPE_CACHE</c>, else ~/.cache/dumpscope/fixtures.</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("DUMPSCOPE_CACHE")
        ?? Path.Combine(DumpScopeCache, "fixtures");

    /// <summary>
    /// A fixture stored as a zstd patch (<c>zstd --patch-from=BASE</c>) against another fixture: the base is
    /// decompressed first (<see cref="Require"/>), then the patch is applied with the base as the decoder's raw
    /// dictionary, once, into <see cref="CacheRoot"/>; the path of the result is returned. Skips when either is absent.
    /// </summary>
    public static string RequirePatched(string patchRelativePath, string baseRelativePath)
    {
        var basePath = Require(baseRelativePath);
        var patch = Require(patchRelativePath);
        var name = patchRelativePath.EndsWith(".patch.zst", StringComparison.Ordinal) ? patchRelativePath[..^".patch.zst".Length] : patchRelativePath;
        return Decompressed(patch, name, decoder =>
        {
            // --patch-from frames reference the base as a prefix; a window as large as base plus output is allowed.
            decoder.SetParameter(ZstdSharp.Unsafe.ZSTD_dParameter.ZSTD_d_windowLogMax, 31);
            decoder.LoadDictionary(File.ReadAllBytes(basePath));
        });
    }

    /// <summary>Decompresses <paramref name="zstPath"/> once into the cache (named after the fixture and the compressed size).</summary>
    private static string Decompressed(string zstPath, string relativePath, Action<DecompressionStream>? prepare = null)
    {
        var cacheRoot = CacheRoot;
        var info = new FileInfo(zstPath);
        var target = Path.Combine(cacheRoot, $"{relativePath.Replace('/', '_')}-{info.Length}");
        lock (DecompressLock)
        {
            if (File.Exists(target)) return target;
            Directory.CreateDirectory(cacheRoot);
            var temp = target + $".part{Environment.ProcessId}";
            using (var input = File.OpenRead(zstPath))
            using (var decoder = new DecompressionStream(input))
            using (var output = File.Create(temp))
            {
                prepare?.Invoke(decoder);
                decoder.CopyTo(output, 1 << 20);
            }
            File.Move(temp, target, overwrite: true);
            return target;
        }
    }

    private static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("DUMPSCOPE_FIXTURES");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
            var built = Path.Combine(dir.FullName, "tests", "fixtures", "out");
            if (Directory.Exists(Path.Combine(built, "kd1"))) return built;
        }
        return null;
    }
}
