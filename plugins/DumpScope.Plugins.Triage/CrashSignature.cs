using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace DumpScope.Plugins.Triage;

/// <summary>
/// A stable name for "the same crash": SHA-256 over the panic message template (numbers, hex addresses, pids
/// and task names in brackets blanked) and the function names of the top reliable frames of the panic stack
/// (no offsets, panic machinery left out), the first 16 hex digits (64 bits). Version 1 hashes the UTF-8 of
/// "dumpscope-signature-v1\n" + template + "\n" + the frames, one per line. See docs/triage-schema.md.
/// </summary>
/// <param name="Template">The message template hashed.</param>
/// <param name="Frames">The frame names hashed, innermost first.</param>
/// <param name="FramesFrom">Where the frames came from ("unwound panic stack", "the log's Call Trace").</param>
public sealed partial record CrashSignature(string Template, IReadOnlyList<string> Frames, string FramesFrom)
{
    /// <summary>The signature's version, part of <see cref="Value"/>.</summary>
    public const int Version = 1;

    /// <summary>How many frames are hashed at most.</summary>
    public const int MaxFrames = 5;

    /// <summary>
    /// Frames of the machinery every panic goes through (stopping, dumping, the exception entry), skipped at the top
    /// of the stack so that the signature names where the crash came from, not how it was reported.
    /// </summary>
    public static readonly IReadOnlySet<string> Machinery = new HashSet<string>(StringComparer.Ordinal)
    {
        "machine_kexec", "__crash_kexec", "crash_kexec", "panic", "vpanic", "nmi_panic", "dump_stack", "dump_stack_lvl", "show_stack",
        "delay_tsc", "__delay", "__const_udelay", "mdelay", "native_safe_halt", "default_idle",
        "oops_end", "die", "die_addr", "die_body", "__die", "do_trap", "do_error_trap", "handle_invalid_op", "handle_bug", "report_bug",
        "exc_invalid_op", "asm_exc_invalid_op", "exc_general_protection", "asm_exc_general_protection", "page_fault_oops",
        "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore", "no_context", "do_user_addr_fault",
        "exc_page_fault", "asm_exc_page_fault", "__warn", "warn_slowpath_fmt", "crash_nmi_callback", "nmi_handle", "default_do_nmi",
        "exc_nmi", "end_repeat_nmi", "watchdog_overflow_callback", "watchdog_timer_fn", "__hrtimer_run_queues",
    };

    /// <summary>"v1:" and 16 hex digits.</summary>
    public string Value
    {
        get
        {
            var text = $"dumpscope-signature-v{Version}\n{Template}\n{string.Join('\n', Frames)}";
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
            return $"v{Version}:{Convert.ToHexStringLower(hash)[..16]}";
        }
    }

    /// <summary>Makes a signature from a message and reliable frame names (innermost first; machinery skipped here).</summary>
    public static CrashSignature From(string message, IEnumerable<string> reliableFrames, string framesFrom) =>
        new(TemplateOf(message), reliableFrames.SkipWhile(Machinery.Contains).Take(MaxFrames).ToArray(), framesFrom);

    /// <summary>The message with what changes between occurrences blanked: [comm:pid] → [#], hex and decimal numbers → #.</summary>
    public static string TemplateOf(string message)
    {
        var text = TaskInBrackets().Replace(message.Trim(), "[#]");
        text = Hex().Replace(text, "#");
        text = Decimal().Replace(text, "#");
        return Spaces().Replace(text, " ");
    }

    [GeneratedRegex(@"\[[^\]\s]*:\d+\]")]
    private static partial Regex TaskInBrackets();

    [GeneratedRegex(@"\b(0x)?[0-9a-f]{6,}\b|0x[0-9a-f]+", RegexOptions.IgnoreCase)]
    private static partial Regex Hex();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Decimal();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
