using System.Text.RegularExpressions;

namespace DumpScope.Sdk.Linux.Sched;

/// <summary>
/// Decodes a task's state word and exit_state the way the kernel's get_task_state()/task_state_index() does,
/// with the names read from the kernel's own <c>task_state_array</c> (const char *[] in kernel memory):
/// entry 0 is running, entry i+1 belongs to state bit i (index = fls of the reported bits), and when the last
/// entry is "I (idle)" (4.14+) it lies beyond TASK_REPORT and stands for TASK_IDLE
/// (TASK_UNINTERRUPTIBLE | TASK_NOLOAD); TASK_RTLOCK_WAIT (5.15+) reports as "D". When the array cannot be
/// read the 4.14+ table is assumed and <see cref="Note"/> says so.
/// </summary>
public sealed partial class TaskStateDecoder
{
    /// <summary>TASK_UNINTERRUPTIBLE.</summary>
    public const ulong TaskUninterruptible = 0x2;

    /// <summary>TASK_NOLOAD (4.2+).</summary>
    public const ulong TaskNoLoad = 0x400;

    /// <summary>TASK_RTLOCK_WAIT (5.15+; a value that older kernels never store).</summary>
    public const ulong TaskRtlockWait = 0x1000;

    private const int MaxEntries = 32;

    private static readonly string[] Modern =
        ["R (running)", "S (sleeping)", "D (disk sleep)", "T (stopped)", "t (tracing stop)", "X (dead)", "Z (zombie)", "P (parked)", "I (idle)"];

    private readonly TaskState[] _states;
    private readonly bool _hasIdle;
    private readonly int _reportBits;

    /// <summary>A decoder over the given names (task_state_array's strings in order).</summary>
    public TaskStateDecoder(IReadOnlyList<string> names, string? note = null)
    {
        if (names.Count < 2) throw new ArgumentException("task_state_array needs at least two names", nameof(names));
        _states = names.Select(n => new TaskState(n[0], n, CrashCode(n[0]))).ToArray();
        _hasIdle = names[^1][0] == 'I';
        _reportBits = _hasIdle ? names.Count - 2 : names.Count - 1;
        Note = note;
    }

    /// <summary>The names in use.</summary>
    public IReadOnlyList<TaskState> States => _states;

    /// <summary>Why the built-in table is used instead of the kernel's, or null.</summary>
    public string? Note { get; }

    /// <summary>The decoder of <paramref name="kernel"/>, read once (see <see cref="Read"/>).</summary>
    public static TaskStateDecoder FromKernel(IKernel kernel) => KernelProbes.Get(kernel, Read);

    /// <summary>Reads task_state_array from the kernel; falls back to the 4.14+ names with a note.</summary>
    public static TaskStateDecoder Read(IKernel kernel)
    {
        if (!kernel.Symbols.TryGetAddress("task_state_array", out var array))
            return new TaskStateDecoder(Modern, "task_state_array is not in the symbol table; the 4.14+ state names are assumed");
        var names = new List<string>();
        string? stop = null;
        for (int i = 0; i < MaxEntries; i++)
        {
            ulong slot = array + (ulong)i * 8;
            // The array ends where the next symbol starts (kallsyms has no sizes).
            if (i > 0 && kernel.Symbols.Lookup(slot) is { } owner && owner.Symbol.Address != array) break;
            if (!kernel.Memory.TryReadU64(slot, out var pointer, out var fault)) { stop = fault!.Message; break; }
            if (pointer == 0 || !KernelAddress.IsKernel(pointer)) break;
            string text;
            try
            {
                text = kernel.Memory.ReadCString(pointer, 32, "task_state_array string");
            }
            catch (MemoryFaultException e)
            {
                stop = e.Message;
                break;
            }
            if (!StateName().IsMatch(text)) break;
            names.Add(text);
        }
        if (names.Count < 2)
            return new TaskStateDecoder(Modern, $"task_state_array at {array:x} could not be read ({stop ?? "no state strings"}); the 4.14+ state names are assumed");
        return new TaskStateDecoder(names);
    }

    /// <summary>The state of a task from its state word and exit_state (the kernel's task_state_index).</summary>
    public TaskState Decode(ulong state, long exitState)
    {
        if (_hasIdle && (state & (TaskUninterruptible | TaskNoLoad)) == (TaskUninterruptible | TaskNoLoad)) return _states[^1];
        if (_hasIdle && state == TaskRtlockWait) return _states[2];
        ulong mask = _reportBits >= 64 ? ulong.MaxValue : (1UL << _reportBits) - 1;
        ulong reported = (state | (ulong)exitState) & mask;
        int index = reported == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(reported);
        return _states[index];
    }

    /// <summary>crash's two-letter code for a kernel state letter.</summary>
    public static string CrashCode(char letter) => letter switch
    {
        'R' => "RU",
        'S' => "IN",
        'D' => "UN",
        'T' => "ST",
        't' => "TR",
        'X' or 'x' => "DE",
        'Z' => "ZO",
        'P' => "PA",
        'I' => "ID",
        'K' => "WK",
        'W' => "WA",
        'N' => "NE",
        _ => letter.ToString(),
    };

    [GeneratedRegex(@"^[A-Za-z] \([a-z ]+\)$")]
    private static partial Regex StateName();
}
