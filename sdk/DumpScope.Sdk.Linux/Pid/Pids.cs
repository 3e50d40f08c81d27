using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Sdk.Linux.Pid;

/// <summary>
/// Process ids (kernel/pid.c): a <c>struct pid</c> by number in a namespace, and the task a pid leads to. Since 4.15
/// a namespace maps numbers to pids in <c>pid_namespace.idr</c> (commit 95846ecf9dac "pid: replace pid bitmap
/// implementation with IDR API"); before, every namespace's pids hang in the global hash <c>pid_hash</c> (of
/// <c>1 &lt;&lt; pidhash_shift</c> buckets) through <c>upid.pid_chain</c>. Which one is used is probed.
/// </summary>
public static class Pids
{
    /// <summary>PIDTYPE_PID: the first of enum pid_type.</summary>
    public const int PidTypePid = 0;

    private const int MaxChain = 1 << 16;

    /// <summary>&amp;init_pid_ns, as a <c>struct pid_namespace</c>.</summary>
    public static KernelObject InitPidNamespace(IKernel kernel) => kernel.Global("init_pid_ns", "struct pid_namespace");

    /// <summary>
    /// find_pid_ns(nr, ns): the address of the <c>struct pid</c> numbered <paramref name="nr"/> in
    /// <paramref name="ns"/> (the initial namespace when null), or 0 when there is none. Throws
    /// <see cref="MemoryFaultException"/> when the lookup's structures cannot be read.
    /// </summary>
    public static ulong FindPid(IKernel kernel, int nr, KernelObject? ns = null)
    {
        ns ??= InitPidNamespace(kernel);
        if (nr < 0) return 0;
        if (ns.HasMember("idr")) return XArrays.IdrFind(ns["idr"], (ulong)nr);
        return FindInPidHash(kernel, nr, ns);
    }

    /// <summary>
    /// Every pid number of <paramref name="ns"/> (the initial namespace when null) with its <c>struct pid</c>, in number
    /// order: the namespace's idr (4.15+), else the pid_hash entries whose upid belongs to the namespace. Bounded by
    /// <paramref name="bound"/>; the result says why it stopped.
    /// </summary>
    public static WalkResult<NamespacePid> ForEachPid(IKernel kernel, KernelObject? ns = null, int bound = KernelTasks.PidMaxLimit, CancellationToken cancellation = default)
    {
        ns ??= InitPidNamespace(kernel);
        if (ns.HasMember("idr"))
            return XArrays.IdrForEach(ns["idr"], bound, cancellation).Select(e => new NamespacePid(e.Index, e.Value));
        var found = new List<NamespacePid>();
        var (end, problem) = ScanPidHash(kernel, ns, (nr, pid) =>
        {
            found.Add(new NamespacePid((ulong)nr, pid));
            return found.Count < bound;
        }, cancellation);
        if (end == WalkEnd.Completed && found.Count >= bound) (end, problem) = (WalkEnd.BoundReached, $"stopped after {bound} pids");
        found.Sort((a, b) => a.Nr.CompareTo(b.Nr));
        return new(found, end, problem);
    }

    /// <summary>
    /// pid_task(pid, type): the first task attached to the <c>struct pid</c> at <paramref name="pid"/> as
    /// <paramref name="type"/> (<see cref="PidTypePid"/> for the thread itself), or null when none. The link in the
    /// task is <c>pid_links[type]</c> (4.19+) or <c>pids[type].node</c>.
    /// </summary>
    public static KernelObject? PidTask(IKernel kernel, ulong pid, int type)
    {
        var pidObject = kernel.Object("struct pid", pid);
        ulong first = pidObject[$"tasks[{type}].first"].ReadPointer();
        if (first == 0) return null;
        if (!KernelAddress.IsKernel(first)) throw new InvalidDataException($"struct pid {pid:x}: tasks[{type}].first holds {first:x}, not a kernel address");
        var layout = TaskStructLayout.Of(kernel);
        var link = layout.Task.Find($"pid_links[{type}]", $"pids[{type}].node")
            ?? throw new TypeNotFoundException("struct task_struct has neither pid_links[] nor pids[].node");
        return new KernelObject(kernel, layout.Task.Type, first - link.Offset);
    }

    /// <summary>pid_nr: the number of the <c>struct pid</c> at <paramref name="pid"/> in the initial namespace (numbers[0].nr).</summary>
    public static int PidNr(IKernel kernel, ulong pid) => (int)kernel.Object("struct pid", pid)["numbers[0].nr"].ReadSigned();

    /// <summary>Before 4.15: the upid with this number and namespace, found by walking every bucket of pid_hash.</summary>
    private static ulong FindInPidHash(IKernel kernel, int nr, KernelObject ns)
    {
        ulong found = 0;
        var (end, problem) = ScanPidHash(kernel, ns, (number, pid) =>
        {
            if (number != nr) return true;
            found = pid;
            return false;
        }, default);
        if (found == 0 && end is WalkEnd.Fault or WalkEnd.CorruptLink) throw new InvalidDataException($"pid_hash: {problem}");
        return found;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> (number, struct pid address) for each upid of <paramref name="ns"/> in the
    /// 1 &lt;&lt; pidhash_shift buckets of pid_hash, until it returns false. A damaged chain ends that chain only.
    /// </summary>
    private static (WalkEnd End, string? Problem) ScanPidHash(IKernel kernel, KernelObject ns, Func<int, ulong, bool> visit, CancellationToken cancellation)
    {
        if (!kernel.Symbols.TryGetAddress("pid_hash", out var hashPointer) || !kernel.Symbols.TryGetAddress("pidhash_shift", out var shiftAddress))
            throw new TypeNotFoundException("struct pid_namespace has no idr and the kernel has no pid_hash/pidhash_shift: pids cannot be looked up");
        ulong table = kernel.Memory.ReadU64(hashPointer, "pid_hash");
        uint shift = kernel.Memory.ReadU32(shiftAddress, "pidhash_shift");
        if (shift is 0 or > 20) throw new InvalidDataException($"pidhash_shift is {shift}, not a hash table size");
        var upid = StructLayout.Probe(kernel, "struct upid");
        ulong chainOffset = upid.Require("pid_chain").Offset;
        var nrMember = upid.RequireScalar("nr");
        var nsMember = upid.RequireScalar("ns");
        ulong numbers = StructLayout.Probe(kernel, "struct pid").Require("numbers").Offset;
        ulong level = ns.HasMember("level") ? ns["level"].ReadUnsigned() : 0;
        var end = WalkEnd.Completed;
        string? problem = null;
        for (ulong bucket = 0; bucket < 1UL << (int)shift; bucket++)
        {
            var chain = KernelLists.HlistForEach(kernel.Memory, table + bucket * 8, MaxChain, cancellation);
            if (chain.End == WalkEnd.Cancelled) return (WalkEnd.Cancelled, "cancelled");
            if (!chain.IsComplete && problem is null) (end, problem) = (chain.End, $"bucket {bucket}: {chain.Problem}");
            foreach (var node in chain.Items)
            {
                var entry = new KernelObject(kernel, upid.Type, node - chainOffset);
                if (!entry.Member(nsMember).TryReadUnsigned(out var owner, out _) || owner != ns.Address) continue;
                if (!entry.Member(nrMember).TryReadUnsigned(out var number, out _)) continue;
                if (!visit((int)number, entry.Address - numbers - level * upid.Size)) return (end, problem);
            }
        }
        return (end, problem);
    }
}
