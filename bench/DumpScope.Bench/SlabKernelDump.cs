using System.Diagnostics;
using DumpScope.Testing.DumpWriters;
using DumpScope.Testing.Kernels;
using DumpScope.Testing.Types;

namespace DumpScope.Bench;

/// <summary>
/// <c>make-slab-kernel [DIR] [OBJECTS] [TASKS]</c>: the 10-million-object SLUB kernel (<see cref="SlubScaleKernel"/>: 50
/// caches, hardened freelists, the 6.1 layouts) written as a kdump file with its System.map and BTF beside it, and
/// the kmem -s it must give (<c>.expected</c>). Open it with
/// <c>dumpscope DIR/slab-10m.kdump --system-map DIR/slab-10m.kdump.System.map --btf DIR/slab-10m.kdump.btf</c>.
/// </summary>
public static class SlabKernelDump
{
    /// <summary>Writes the dump into <paramref name="folder"/>, printing its size and how long each step took.</summary>
    public static int Make(string folder, long objects, int tasks = 100_000)
    {
        Directory.CreateDirectory(folder);
        var spec = new SlubScaleKernelSpec { ObjectsPerCache = objects / 50, Tasks = tasks };
        var name = (objects % 1_000_000 == 0 ? $"slab-{objects / 1_000_000}m" : $"slab-{objects}") + (tasks == 100_000 ? "" : $"-{tasks}t") + ".kdump";
        var path = Path.Combine(folder, name);
        var clock = Stopwatch.StartNew();
        var built = SlubScaleKernel.Build(spec);
        Console.WriteLine($"built: {built.Expected.Count} caches, {built.TotalObjects:N0} objects, {built.Kernel.Memory.PlacedPages.Count:N0} pages placed, in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        var written = KernelDumpFile.Write(built.Kernel, path, ReferenceTypes.Debian61Bytes, built.MaxPfn);
        Console.WriteLine($"{path}: {written.MaxPfn:N0} frames, {written.DumpedPages:N0} dumped, {new FileInfo(path).Length:N0} bytes, written in {clock.Elapsed.TotalSeconds:F1} s");
        File.WriteAllLines(path + ".expected", built.Expected.Select(e =>
            $"{e.Address:x16} {e.ObjectSize} {e.Allocated} {e.Total} {e.Slabs} {e.SlabBytes / 1024}k {e.Name}"));
        return 0;
    }
}
