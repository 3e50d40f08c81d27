using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Commands;

/// <summary>
/// <c>net -s -R REF</c>'s reference: a file descriptor (a decimal number) or a <c>struct socket</c> / <c>struct sock</c>
/// address (hexadecimal, in the kernel half; kernel addresses always have letters, so a plain decimal is never taken for one).
/// </summary>
internal sealed record SocketReference(int? Fd, ulong? Address)
{
    /// <summary>Parses REF; a <see cref="UsageException"/> names what was expected.</summary>
    public static SocketReference Parse(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var fd)) return new(fd, null);
        string hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address) && KernelAddress.IsKernel(address)) return new(null, address);
        throw new UsageException($"net -R: '{text}' is neither a file descriptor nor a socket or sock address");
    }

    /// <summary>Whether the task's socket is the one referred to.</summary>
    public bool Matches(TaskSocket socket) =>
        Fd is { } fd ? socket.Fd == fd : socket.Socket == Address || socket.Sock?.Sock == Address;
}
