using DumpScope.Host.Session;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// triage on tests/fixtures/initexit, a real dump of another panic path than the sysrq crash of every shared fixture
/// (init exited: "Attempted to kill init!" from do_exit; its README): the kernel's own panic header and Call Trace
/// decide, and its crash signature differs from kd1's. The dump is a shared fixture (skipped without it); its dmesg.txt is in the repository.
/// </summary>
public sealed class InitExitTriageTests : IDisposable
{
    private static readonly string Folder = Repository.File("tests/fixtures/initexit");
    // The dump (16.9 MB) belongs with the shared fixtures (../shared/fixtures/initexit); its log and README are here.
    // An optional shared fixture: skipped when absent, under CI too (the other shared fixtures must be there).
    private readonly Lazy<DumpScopeSession> _opened = new(() =>
    {
        var dump = Path.Combine(Fixtures.Root ?? "", "initexit", "vmcore.kdump-zlib-d31");
        Skip.IfNot(File.Exists(dump), $"{dump} is absent (tests/fixtures/initexit/README.md says how it was made)");
        return FixtureSession.Open(dump, typeof(TriagePlugin).Assembly);
    });

    private DumpScopeSession Session => _opened.Value;

    public void Dispose()
    {
        if (_opened.IsValueCreated) _opened.Value.Dispose();
    }

    private static string Dmesg => File.ReadAllText(Path.Combine(Folder, "dmesg.txt"));

    [SkippableFact]
    public void Triage_names_the_panic_the_kernel_printed_and_not_a_sysrq_crash()
    {
        var expected = KernelTraces.Panic(Dmesg)!;
        var triage = new TriageView(Session.Run("triage"));

        expected.Message.Should().Be("Attempted to kill init! exitcode=0x00000000");
        ((string)triage["panic"]!).Should().Be($"Kernel panic - not syncing: {expected.Message}");
        triage["panic_cpu"].Should().Be((long)expected.Cpu);
        triage["panic_pid"].Should().Be(1L);
        triage["panic_comm"].Should().Be("init");
        triage["stopped_by"].Should().Be("panic", "no Oops, BUG, lockup or sysrq report precedes the panic line");
        var crash = triage.Findings[0];
        (crash.Severity, crash.Kind).Should().Be(("critical", "crash"));
        crash.Evidence.Should().Contain("PID 1 (init)").And.NotContain("sysrq");
        triage.Findings.Should().NotContain(f => f.Kind == "hung_tasks" || f.Kind == "oops" || f.Kind == "bug");
    }

    [SkippableFact]
    public void The_signature_hashes_the_exit_path_the_kernel_printed()
    {
        var printed = KernelTraces.PanicTrace(Dmesg).Where(f => f.Reliable).Select(f => f.Name).SkipWhile(n => n != "panic").ToArray();
        printed.Should().StartWith(["panic", "do_exit.cold", "do_group_exit", "__x64_sys_exit_group", "do_syscall_64"]);
        var triage = new TriageView(Session.Run("triage -v"));

        triage.PanicStack.Where(f => f.Reliable).Select(f => f.Function).SkipWhile(n => n != "panic").Should().Equal(printed);
        var signature = CrashSignature.From((string)triage["panic"]!, triage.PanicStack.Where(f => f.Reliable).Select(f => f.Function), "unwound panic stack");
        signature.Frames.Should().Equal(printed.Skip(1).Take(CrashSignature.MaxFrames));
        triage["signature"].Should().Be(signature.Value);
    }

    [SkippableFact]
    public void Its_signature_differs_from_kd1s_sysrq_crash()
    {
        using var kd1 = FixtureSession.Open(Fixtures.Kd1Zlib, typeof(TriagePlugin).Assembly);
        var other = (string)new TriageView(kd1.Run("triage"))["signature"]!;
        var mine = (string)new TriageView(Session.Run("triage"))["signature"]!;

        mine.Should().MatchRegex("^v1:[0-9a-f]{16}$").And.NotBe(other);
    }
}
