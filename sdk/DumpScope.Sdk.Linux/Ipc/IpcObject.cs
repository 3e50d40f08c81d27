namespace DumpScope.Sdk.Linux.Ipc;

/// <summary>One System V IPC object: its kern_ipc_perm and the counts its family keeps.</summary>
/// <param name="Kind">Which family.</param>
/// <param name="Address">The object's address (shmid_kernel, sem_array or msg_queue; kern_ipc_perm is its first member).</param>
/// <param name="Key">perm.key.</param>
/// <param name="Id">perm.id (the shmid, semid or msqid).</param>
/// <param name="Uid">perm.uid.</param>
/// <param name="Mode">perm.mode (permission bits, SHM_DEST, SHM_LOCKED).</param>
/// <param name="Size">shm_segsz for a segment, q_cbytes for a queue, sem_nsems for an array.</param>
/// <param name="Count">shm_nattch for a segment, q_qnum for a queue, 0 for an array.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record IpcObject(IpcKind Kind, ulong Address, int Key, long Id, uint Uid, uint Mode, ulong Size, ulong Count, string? Problem);
