using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Sdk.Linux.Ipc;

/// <summary>
/// System V IPC objects of the initial IPC namespace (ipc/util.c): <c>init_ipc_ns.ids[kind].ipcs_idr</c>, an IDR
/// (radix tree, an xarray since 4.20) from id to the object's <c>struct kern_ipc_perm</c>, which is the first
/// member of struct shmid_kernel, sem_array and msg_queue.
/// </summary>
public static class SysvIpc
{
    /// <summary>Most objects walked per family (IPCMNI is 32768, 16M with ipcmni_extend).</summary>
    public const int MaxObjects = 1 << 24;

    /// <summary>The objects of <paramref name="kind"/> in init_ipc_ns, in id order.</summary>
    public static WalkResult<IpcObject> ForEachIpc(IKernel kernel, IpcKind kind, CancellationToken cancellation = default)
    {
        var ns = kernel.Global("init_ipc_ns", "struct ipc_namespace");
        var ids = ns[$"ids[{(int)kind}]"];
        var walk = XArrays.IdrForEach(ids["ipcs_idr"], MaxObjects, cancellation);
        var (typeName, perm, size, count) = kind switch
        {
            IpcKind.SharedMemory => ("struct shmid_kernel", "shm_perm", "shm_segsz", "shm_nattch"),
            IpcKind.Semaphore => ("struct sem_array", "sem_perm", "sem_nsems", (string?)null),
            _ => ("struct msg_queue", "q_perm", "q_cbytes", "q_qnum"),
        };
        var layout = StructLayout.Probe(kernel, typeName);
        var permOffset = layout.Require(perm).Offset;
        var permLayout = StructLayout.Probe(kernel, "struct kern_ipc_perm");
        var key = permLayout.RequireScalar("key");
        var id = permLayout.RequireScalar("id");
        var uid = permLayout.RequireScalar("uid.val", "uid");
        var mode = permLayout.RequireScalar("mode");
        var sizeMember = layout.RequireScalar(size);
        var countMember = count is null ? null : layout.RequireScalar(count);
        return walk.Select(entry =>
        {
            ulong address = entry.Value - permOffset;
            var o = new KernelObject(kernel, layout.Type, address).Load(layout.Size, typeName);
            var p = o.Member(layout.Require(perm));
            var problems = new List<string>();
            long Signed(KernelObject obj, ProbedMember m) { if (obj.TryInteger(m, out var v, out var r)) return v; problems.Add($"{m.Path}: {r}"); return 0; }
            int k = (int)Signed(p, key);
            long i = Signed(p, id);
            uint u = (uint)Signed(p, uid);
            uint md = (uint)Signed(p, mode);
            ulong sz = (ulong)Signed(o, sizeMember);
            ulong ct = countMember is null ? 0 : (ulong)Signed(o, countMember);
            return new IpcObject(kind, address, k, i, u, md, sz, ct, problems.Count == 0 ? null : string.Join("; ", problems));
        });
    }
}
