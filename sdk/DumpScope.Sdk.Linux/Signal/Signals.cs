namespace DumpScope.Sdk.Linux.Signal;

/// <summary>One signal's disposition (<c>sighand-&gt;action[sig - 1].sa</c>).</summary>
/// <param name="Signal">The signal number, 1-based.</param>
/// <param name="Address">The k_sigaction address.</param>
/// <param name="Handler">sa_handler (0 = SIG_DFL, 1 = SIG_IGN, else a user address), null when unreadable.</param>
/// <param name="Mask">sa_mask's first word, null when unreadable.</param>
/// <param name="Flags">sa_flags, null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record SignalAction(int Signal, ulong Address, ulong? Handler, ulong? Mask, ulong? Flags, string? Problem);

/// <summary>A pending-signal set (<c>struct sigpending</c>): its bitmask and the queued siginfo entries.</summary>
/// <param name="Address">The sigpending address.</param>
/// <param name="Signal">The pending mask's first word (bit n-1 = signal n), null when unreadable.</param>
/// <param name="Queued">The <c>struct sigqueue</c> entries on its list with their si_signo.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record PendingSignals(ulong Address, ulong? Signal, IReadOnlyList<(ulong Sigqueue, int? Signo)> Queued, string? Problem);

/// <summary>
/// A task's signal state (include/linux/sched/signal.h): its <c>sighand-&gt;action[_NSIG]</c> dispositions, its
/// blocked mask, its private <c>pending</c> set and the thread group's <c>signal-&gt;shared_pending</c>.
/// </summary>
public static class Signals
{
    /// <summary>How many queued siginfo entries one list may hold before its walk is cut (above RLIMIT_SIGPENDING's usual value).</summary>
    public const int QueueBound = 1 << 20;

    /// <summary>TIF_SIGPENDING on x86 (arch/x86/include/asm/thread_info.h).</summary>
    public const int TifSigpending = 2;

    /// <summary>
    /// The sa_flags bits and their names (include/uapi/asm-generic/signal-defs.h, x86's SA_RESTORER), in the order
    /// crash prints them (SA_RESTORER first: k510's crash-sig-g-98.out).
    /// </summary>
    public static readonly IReadOnlyList<(ulong Bit, string Name)> FlagNames =
    [
        (0x04000000, "SA_RESTORER"), (0x00000001, "SA_NOCLDSTOP"), (0x00000002, "SA_NOCLDWAIT"), (0x00000004, "SA_SIGINFO"), (0x00000400, "SA_UNSUPPORTED"),
        (0x00000800, "SA_EXPOSE_TAGBITS"), (0x08000000, "SA_ONSTACK"), (0x10000000, "SA_RESTART"),
        (0x40000000, "SA_NODEFER"), (0x80000000, "SA_RESETHAND"),
    ];

    /// <summary>The task's sighand_struct address, 0 when it has none (an exited task).</summary>
    public static ulong TaskSighand(KernelObject task) => task["sighand"].ReadPointer();

    /// <summary>The task's signal_struct address.</summary>
    public static ulong TaskSignal(KernelObject task) => task["signal"].ReadPointer();

    /// <summary>The dispositions of every signal in the sighand_struct at <paramref name="sighand"/> (array length from the type, _NSIG).</summary>
    public static IReadOnlyList<SignalAction> SighandActions(IKernel kernel, ulong sighand)
    {
        var type = StructLayout.Probe(kernel, "struct sighand_struct");
        var action = type.Require("action");
        var arrayType = action.Type.Resolve();
        int count = (int)arrayType.ArrayLength;
        ulong size = arrayType.Target!.Resolve().Size;
        var result = new List<SignalAction>(count);
        for (int i = 0; i < count; i++)
        {
            ulong at = sighand + action.Offset + (ulong)i * size;
            var sa = kernel.Object("struct k_sigaction", at)["sa"];
            ulong? handler = sa["sa_handler"].TryReadUnsigned(out var h, out var f) ? h : null;
            ulong? mask = sa["sa_mask"].TryReadUnsigned(out var m, out var f2) ? m : null;
            ulong? flags = sa["sa_flags"].TryReadUnsigned(out var fl, out var f3) ? fl : null;
            string? problem = (f ?? f2 ?? f3)?.Message;
            result.Add(new SignalAction(i + 1, at, handler, mask, flags, problem));
        }
        return result;
    }

    /// <summary>The sigpending at <paramref name="address"/>: mask and queued entries (bounded, cycle-aware).</summary>
    public static PendingSignals ReadPending(IKernel kernel, ulong address, CancellationToken cancellation = default)
    {
        var pending = kernel.Object("struct sigpending", address);
        ulong? mask = pending["signal"].TryReadUnsigned(out var m, out var fault) ? m : null;
        string? problem = fault?.Message;
        var queue = kernel.ListForEachEntry(pending["list"].Address, "struct sigqueue", "list", QueueBound, cancellation);
        if (queue.Problem is not null) problem ??= $"sigqueue list: {queue.Problem}";
        var queued = new List<(ulong, int?)>();
        foreach (var q in queue.Items)
            queued.Add((q.Address, q["info.si_signo"].TryReadUnsigned(out var signo, out _) ? (int)signo : null));
        return new PendingSignals(address, mask, queued, problem);
    }

    // x86's signal numbers (arch/x86/include/uapi/asm/signal.h) with their aliases; 32 on are the real-time signals.
    private static readonly string[] Names =
    [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT/SIGIOT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD/SIGCLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
        "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO/SIGPOLL", "SIGPWR", "SIGSYS/SIGUNUSED",
    ];

    /// <summary>The highest signal number (_NSIG on x86).</summary>
    public const int MaxSignal = 64;

    /// <summary>
    /// A signal's name with its aliases ("SIGABRT/SIGIOT"); the real-time ones as SIGRTMIN+n up to 48 and SIGRTMAX-n
    /// from 49, as strsignal-style tables name them; null outside 1..64.
    /// </summary>
    public static string? SignalNames(int signal) => signal switch
    {
        >= 1 and <= 31 => Names[signal - 1],
        32 => "SIGRTMIN",
        > 32 and <= 48 => $"SIGRTMIN+{signal - 32}",
        > 48 and < MaxSignal => $"SIGRTMAX-{MaxSignal - signal}",
        MaxSignal => "SIGRTMAX",
        _ => null,
    };

    /// <summary>A signal's first name ("SIGABRT" of SIGABRT/SIGIOT), null outside 1..64.</summary>
    public static string? SignalName(int signal) => SignalNames(signal)?.Split('/')[0];

    /// <summary>The signal numbers whose bits are set in a sigset word (bit n-1 = signal n).</summary>
    public static IEnumerable<int> SignalsIn(ulong mask)
    {
        for (int bit = 0; bit < 64; bit++)
            if ((mask & (1UL << bit)) != 0) yield return bit + 1;
    }
}
