namespace DumpScope.Sdk.Linux.Net;

/// <summary>A socket open in a task: its descriptor, file, <c>struct socket</c> and what its sock says.</summary>
/// <param name="Fd">The descriptor.</param>
/// <param name="File">The struct file.</param>
/// <param name="Socket">The struct socket (SOCKET_I of the file's inode), 0 when unreadable.</param>
/// <param name="SocketType">socket.type, null when unreadable.</param>
/// <param name="SocketState">socket.state (SS_*), null when unreadable.</param>
/// <param name="Sock">The sock, null when socket.sk is NULL or unreadable.</param>
/// <param name="Problem">What could not be read (the socket's; the sock's own is in <see cref="SockInfo.Problem"/>), or null.</param>
public sealed record TaskSocket(int Fd, ulong File, ulong Socket, int? SocketType, int? SocketState, SockInfo? Sock, string? Problem);
