namespace DumpScope.Sdk.Kernel;

/// <summary>
/// Further dumps a command compares with the open one (<c>diff NEW</c>). The host opens the file read-only with the
/// session's symbol and type options (the same --vmlinux, --btf, --zero-excluded), runs the plugins' kernel
/// initializers on it and keeps it open until the session ends; the command gets the kernel, never the file.
/// Opening the same path again returns the kernel already opened.
/// </summary>
public interface IOtherDumps
{
    /// <summary>
    /// The kernel of the dump at <paramref name="path"/>. Throws <see cref="Commands.UsageException"/> when there is
    /// no such file, <see cref="InvalidDataException"/> or <see cref="NotSupportedException"/> when it is not a dump
    /// DumpScope reads or its kernel cannot be read (the message says why).
    /// </summary>
    OtherDump Open(string path, CancellationToken cancellation = default);
}

/// <summary>A dump opened beside the session's own.</summary>
/// <param name="Path">The file, as given.</param>
/// <param name="Kernel">Its kernel.</param>
/// <param name="Notes">What the host noted while opening it (fallbacks, type source), as for the session's own dump.</param>
public sealed record OtherDump(string Path, IKernel Kernel, IReadOnlyList<string> Notes);
