namespace DumpScope.Sdk.Linux.Ipc;

/// <summary>The System V IPC families, by their index in ipc_namespace.ids[] (ipc/util.h IPC_SEM_IDS, IPC_MSG_IDS, IPC_SHM_IDS).</summary>
public enum IpcKind
{
    /// <summary>Semaphore arrays (struct sem_array).</summary>
    Semaphore = 0,
    /// <summary>Message queues (struct msg_queue).</summary>
    MessageQueue = 1,
    /// <summary>Shared memory segments (struct shmid_kernel).</summary>
    SharedMemory = 2,
}
