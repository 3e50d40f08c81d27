namespace DumpScope.Sdk.Linux.Pid;

/// <summary>One number of a PID namespace and the <c>struct pid</c> it names.</summary>
/// <param name="Nr">The pid number in the namespace (for an idr: the id).</param>
/// <param name="Pid">The address of the <c>struct pid</c> (as stored: not checked).</param>
public readonly record struct NamespacePid(ulong Nr, ulong Pid);
