namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>State decoding as the kernel's task_state_index() does it, for the 4.14+ array and the older 3.x one.</summary>
public sealed class TaskStateDecoderTests
{
    private static readonly string[] Modern =
        ["R (running)", "S (sleeping)", "D (disk sleep)", "T (stopped)", "t (tracing stop)", "X (dead)", "Z (zombie)", "P (parked)", "I (idle)"];

    // 3.x: TASK_DEAD 64 ("x"), TASK_WAKEKILL 128, TASK_WAKING 256, TASK_PARKED 512; no idle entry.
    private static readonly string[] Old =
        ["R (running)", "S (sleeping)", "D (disk sleep)", "T (stopped)", "t (tracing stop)", "X (dead)", "Z (zombie)", "x (dead)", "K (wakekill)", "W (waking)", "P (parked)"];

    [Theory]
    [InlineData(0x0, 0, "RU")]
    [InlineData(0x1, 0, "IN")]
    [InlineData(0x2, 0, "UN")]
    [InlineData(0x402, 0, "ID")] // TASK_IDLE = TASK_UNINTERRUPTIBLE | TASK_NOLOAD
    [InlineData(0x4, 0, "ST")]
    [InlineData(0x8, 0, "TR")]
    [InlineData(0x0, 0x10, "DE")] // EXIT_DEAD
    [InlineData(0x0, 0x20, "ZO")] // EXIT_ZOMBIE
    [InlineData(0x40, 0, "PA")]
    [InlineData(0x1000, 0, "UN")] // TASK_RTLOCK_WAIT reports as D
    [InlineData(0x101, 0, "IN")] // TASK_WAKEKILL is not reported: S
    [InlineData(0x80, 0, "RU")] // TASK_DEAD alone (beyond TASK_REPORT) reports as running, as the kernel does
    public void Modern_kernels(ulong state, long exit, string code) =>
        new TaskStateDecoder(Modern).Decode(state, exit).Code.Should().Be(code);

    [Theory]
    [InlineData(0x200, "PA")]
    [InlineData(0x40, "DE")]
    [InlineData(0x402, "UN")] // no idle entry: the old kernel reports TASK_IDLE tasks as D
    [InlineData(0x100, "WA")]
    public void Old_kernels(ulong state, string code) =>
        new TaskStateDecoder(Old).Decode(state, 0).Code.Should().Be(code);

    [Fact]
    public void Names_come_from_the_array()
    {
        var decoder = new TaskStateDecoder(Modern);
        decoder.Decode(0x1, 0).Should().Be(new TaskState('S', "S (sleeping)", "IN"));
        decoder.Note.Should().BeNull();
    }
}
