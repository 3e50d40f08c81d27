using System.Net;
using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Sdk.Linux.Net;

/// <summary>
/// Sockets (net/socket.c, include/net/sock.h): a socket file's inode lives in a <c>struct socket_alloc</c> right
/// after its <c>struct socket</c> (SOCKET_I), whose <c>sk</c> is the protocol's <c>struct sock</c>; every sock,
/// timewait sock and request sock begins with <c>struct sock_common</c> (family, state, addresses and ports).
/// </summary>
public static class Sockets
{
    /// <summary>The probed members: socket_alloc's inode offset, struct socket's, sock_common's and struct sock's.</summary>
    private sealed record Layout(ulong VfsInode, ProbedMember SocketState, ProbedMember SocketType, ProbedMember SocketSk, ProbedMember Family,
        ProbedMember State, ProbedMember Daddr, ProbedMember RcvSaddr, ProbedMember Dport, ProbedMember Num, ProbedMember? V6Daddr,
        ProbedMember? V6RcvSaddr, ulong Node, ulong NullsNode, ulong Common, ProbedMember? SkType, ProbedMember? SkProtocol)
    {
        public static Layout Probe(IKernel kernel)
        {
            var alloc = StructLayout.Probe(kernel, "struct socket_alloc");
            var socket = StructLayout.Probe(kernel, "struct socket");
            var common = StructLayout.Probe(kernel, "struct sock_common");
            var sock = StructLayout.Probe(kernel, "struct sock");
            // skc_v6_* exist in CONFIG_IPV6 kernels only. sk_type and sk_protocol were bitfields beside sk_gso_type
            // until commit bf9765145b85 "sock: Make sk_protocol a 16-bit value" (5.6) made them plain u16s; Find
            // accepts both.
            return new Layout(alloc.Require("vfs_inode").Offset - alloc.Require("socket").Offset,
                socket.RequireScalar("state"), socket.RequireScalar("type"), socket.RequireScalar("sk"),
                common.RequireScalar("skc_family"), common.RequireScalar("skc_state"), common.RequireScalar("skc_daddr"),
                common.RequireScalar("skc_rcv_saddr"), common.RequireScalar("skc_dport"), common.RequireScalar("skc_num"),
                common.Find("skc_v6_daddr"), common.Find("skc_v6_rcv_saddr"), common.Require("skc_node").Offset,
                common.Require("skc_nulls_node").Offset, sock.Require("__sk_common").Offset, sock.Find("sk_type"), sock.Find("sk_protocol"));
        }
    }

    private static Layout Of(IKernel kernel) => KernelProbes.Get(kernel, Layout.Probe);

    /// <summary>SOCKET_I: the struct socket whose socket_alloc holds the inode at <paramref name="inode"/>.</summary>
    public static ulong SocketI(IKernel kernel, ulong inode) => inode - Of(kernel).VfsInode;

    /// <summary>The offset of sock_common.skc_node (how sockets hang on plain hlists: UDP's hash, older listeners).</summary>
    public static ulong SkNodeOffset(IKernel kernel) => Of(kernel).Common + Of(kernel).Node;

    /// <summary>The offset of sock_common.skc_nulls_node (how sockets hang on hlist_nulls chains: TCP's ehash, 5.19+ listeners).</summary>
    public static ulong SkNullsNodeOffset(IKernel kernel) => Of(kernel).Common + Of(kernel).NullsNode;

    /// <summary>
    /// Reads what sock_common (and for a full sock, sk_type/sk_protocol) says about the sock at <paramref name="sock"/>;
    /// what cannot be read is in the problem, never thrown.
    /// </summary>
    public static SockInfo ReadSock(IKernel kernel, ulong sock)
    {
        var layout = Of(kernel);
        var common = kernel.Object("struct sock_common", sock + layout.Common);
        var problems = new List<string>();
        int? Read(KernelObject obj, ProbedMember? member, string name)
        {
            if (member is null) return null;
            if (obj.TryUnsigned(member, out var v, out var why)) return (int)v;
            problems.Add($"{name}: {why}");
            return null;
        }
        int? family = Read(common, layout.Family, "skc_family");
        int? state = Read(common, layout.State, "skc_state");
        if (problems.Count > 0)
            return new SockInfo(sock, family, state, null, null, null, null, null, null, string.Join("; ", problems));
        // Timewait and request socks carry sock_common only: sk_type lies beyond them.
        bool full = state is not (SockInfo.TcpTimeWait or SockInfo.TcpNewSynRecv) || family is not (SockInfo.AfInet or SockInfo.AfInet6);
        var whole = kernel.Object("struct sock", sock);
        int? type = full ? Read(whole, layout.SkType, "sk_type") : null;
        int? protocol = full ? Read(whole, layout.SkProtocol, "sk_protocol") : null;
        IPAddress? local = null, remote = null;
        int? localPort = null, remotePort = null;
        if (family is SockInfo.AfInet or SockInfo.AfInet6)
        {
            localPort = Read(common, layout.Num, "skc_num");
            remotePort = Read(common, layout.Dport, "skc_dport") is { } dport ? BinaryPrimitives.ReverseEndianness((ushort)dport) : null;
            if (family == SockInfo.AfInet)
            {
                local = Read(common, layout.RcvSaddr, "skc_rcv_saddr") is { } l ? new IPAddress((uint)l) : null;
                remote = Read(common, layout.Daddr, "skc_daddr") is { } r ? new IPAddress((uint)r) : null;
            }
            else
            {
                local = ReadV6(kernel, common, layout.V6RcvSaddr, "skc_v6_rcv_saddr", problems);
                remote = ReadV6(kernel, common, layout.V6Daddr, "skc_v6_daddr", problems);
            }
        }
        return new SockInfo(sock, family, state, type, protocol, local, localPort, remote, remotePort, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static IPAddress? ReadV6(IKernel kernel, KernelObject common, ProbedMember? member, string name, List<string> problems)
    {
        if (member is null)
        {
            problems.Add($"{name}: not in this kernel (built without IPv6)");
            return null;
        }
        var bytes = new byte[16];
        var read = kernel.Memory.ReadVirtual(common.Address + member.Offset, bytes);
        if (read.IsComplete) return new IPAddress(bytes);
        problems.Add($"{name}: {read.Fault!.Message}");
        return null;
    }

    /// <summary>
    /// The sockets among the open files of <paramref name="task"/>, in descriptor order: each file whose inode is
    /// S_IFSOCK, its socket (SOCKET_I) and sock. A file that cannot be read is an entry with its problem.
    /// </summary>
    public static WalkResult<TaskSocket> ForEachTaskSocket(KernelObject task, CancellationToken cancellation = default)
    {
        var kernel = task.Kernel;
        var fs = FsLayout.Of(kernel);
        var layout = Of(kernel);
        var files = TaskFiles.ForEachFile(task, cancellation);
        var result = new List<TaskSocket>();
        foreach (var open in files.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            if (open.Problem is not null)
            {
                result.Add(new TaskSocket(open.Fd, 0, 0, null, null, null, open.Problem));
                continue;
            }
            var file = kernel.Object("struct file", open.File);
            ulong inode;
            string? why;
            if (fs.FileInode is { } fileInode ? !file.TryUnsigned(fileInode, out inode, out why) : !InodeOfDentry(kernel, file, fs, out inode, out why))
            {
                result.Add(new TaskSocket(open.Fd, open.File, 0, null, null, null, $"file {open.File:x}: {why}"));
                continue;
            }
            if (!kernel.Object("struct inode", inode).TryUnsigned(fs.InodeMode, out var mode, out why))
            {
                result.Add(new TaskSocket(open.Fd, open.File, 0, null, null, null, $"inode {inode:x}: {why}"));
                continue;
            }
            if ((mode & InodeModes.TypeMask) != InodeModes.Socket) continue;
            ulong socketAddress = SocketI(kernel, inode);
            var socket = kernel.Object("struct socket", socketAddress);
            if (!socket.TryUnsigned(layout.SocketSk, out var sk, out why))
            {
                result.Add(new TaskSocket(open.Fd, open.File, socketAddress, null, null, null, $"socket {socketAddress:x}: {why}"));
                continue;
            }
            int? type = socket.TryInteger(layout.SocketType, out var t, out _) ? (int)t : null;
            int? state = socket.TryInteger(layout.SocketState, out var s, out _) ? (int)s : null;
            result.Add(new TaskSocket(open.Fd, open.File, socketAddress, type, state, sk == 0 ? null : ReadSock(kernel, sk),
                type is null || state is null ? $"socket {socketAddress:x}: type or state unreadable" : null));
        }
        return new(result, files.End, files.Problem);
    }

    private static bool InodeOfDentry(IKernel kernel, KernelObject file, FsLayout fs, out ulong inode, out string? why)
    {
        inode = 0;
        return file.TryUnsigned(fs.FileDentry, out var dentry, out why)
            && kernel.Object("struct dentry", dentry).TryUnsigned(fs.DentryInode, out inode, out why);
    }
}
