namespace DumpScope.Sdk.Linux.Net;

/// <summary>
/// The network namespaces (net/core/net_namespace.c): <c>net_namespace_list</c>, a list of <c>struct net</c>
/// linked through <c>list</c> (for_each_net), init_net first.
/// </summary>
public static class NetNamespaces
{
    /// <summary>At most this many namespaces are walked (a container host has thousands, not millions).</summary>
    public const int Bound = 1 << 17;

    /// <summary>for_each_net: each namespace's struct net address, in list order; bounded and cycle-aware.</summary>
    /// <exception cref="TypeNotFoundException">net_namespace_list or struct net.list is missing.</exception>
    public static WalkResult<ulong> ForEachNet(IKernel kernel, CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress("net_namespace_list", out var head))
            throw new TypeNotFoundException($"net_namespace_list is not in {kernel.Symbols.Source}");
        ulong offset = StructLayout.Probe(kernel, "struct net").Require("list").Offset;
        return KernelLists.ListForEach(kernel.Memory, head, Bound, cancellation).Select(node => node - offset);
    }

    /// <summary>
    /// task->nsproxy->net_ns: the network namespace a task sees. Throws <see cref="InvalidDataException"/> when the
    /// task has no nsproxy (it has exited: exit_task_namespaces clears it) or a pointer is not a kernel address.
    /// </summary>
    public static ulong TaskNet(KernelObject task)
    {
        var nsproxy = KernelTasks.TaskNsproxy(task);
        ulong net = nsproxy["net_ns"].ReadPointer();
        if (!KernelAddress.IsKernel(net)) throw new InvalidDataException($"task {task.Address:x}: nsproxy {nsproxy.Address:x}: net_ns pointer {net:x} is not a kernel address");
        return net;
    }
}
