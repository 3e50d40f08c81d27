using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// The 3.5–5.9 record log (log_buf of struct printk_log), which the fixtures' 6.1 kernel no longer has: built
/// byte by byte as the kernel lays it out.
/// </summary>
public sealed class LegacyLogBufferTests
{
    private const ulong Buffer = 0xffff_8880_0010_0000UL;
    private const int Length = 256;

    // struct printk_log { u64 ts_nsec; u16 len; u16 text_len; u16 dict_len; u8 facility; u8 flags:5; u8 level:3; }
    private static SyntheticStruct PrintkLog()
    {
        KernelType U8 = new IntegerType("u8", 1, false), U16 = new IntegerType("u16", 2, false), U64 = new IntegerType("u64", 8, false);
        return new SyntheticStruct("printk_log", 16,
            new TypeMember("ts_nsec", U64, 0, 0), new TypeMember("len", U16, 64, 0), new TypeMember("text_len", U16, 80, 0),
            new TypeMember("dict_len", U16, 96, 0), new TypeMember("facility", U8, 112, 0),
            new TypeMember("flags", U8, 120, 5), new TypeMember("level", U8, 125, 3));
    }

    /// <summary>Writes a record at <paramref name="at"/> and returns the index after it (records are 8-aligned).</summary>
    private static int Record(byte[] buffer, int at, ulong ts, int level, string text, int? lengthOverride = null)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        int length = lengthOverride ?? (16 + bytes.Length + 7) / 8 * 8;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(at), ts);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(at + 8), (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(at + 10), (ushort)bytes.Length);
        buffer[at + 14] = 0;
        buffer[at + 15] = (byte)(level << 5);
        bytes.CopyTo(buffer.AsSpan(at + 16));
        return at + length;
    }

    private static SyntheticKernel Kernel(byte[] buffer, int first, int next)
    {
        var kernel = new SyntheticKernel(new SyntheticTypes().Add("struct printk_log", PrintkLog()), nrCpuIds: 1);
        kernel.Memory.Map(Buffer, buffer);
        kernel.Global("log_buf", 0xffff_ffff_8100_0000UL, Buffer);
        kernel.Global("log_buf_len", 0xffff_ffff_8100_0100UL, Length);
        kernel.Global("log_first_idx", 0xffff_ffff_8100_0200UL, (ulong)first);
        kernel.Global("log_next_idx", 0xffff_ffff_8100_0300UL, (ulong)next);
        return kernel;
    }

    [Fact]
    public void Records_are_read_across_the_wrap()
    {
        var buffer = new byte[Length];
        // Oldest records at 160.., then the end-of-buffer marker (len 0), then the newest from offset 0.
        int at = Record(buffer, 160, 1_000_000, 6, "first");
        at = Record(buffer, at, 2_500_000_000, 4, "second\nline two");
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(at + 8), 0);
        int next = Record(buffer, 0, 3_000_001_000, 0, "Kernel panic - not syncing: synthetic");
        var log = KernelLogReader.Read(Kernel(buffer, 160, next));
        log.Format.Should().StartWith("log_buf");
        log.Records.Select(r => r.Text).Should().Equal("first", "second\nline two", "Kernel panic - not syncing: synthetic");
        log.Records.Select(r => r.Level).Should().Equal(6, 4, 0);
        log.Skipped.Should().Be(0);
        log.PanicMessage.Should().Be("Kernel panic - not syncing: synthetic");
        log.Records.SelectMany(r => LogText.Lines(r)).Should().Equal(
            "[    0.001000] first", "[    2.500000] second", "               line two", "[    3.000001] Kernel panic - not syncing: synthetic");
    }

    [Fact]
    public void A_corrupt_length_stops_the_walk_with_a_note()
    {
        var buffer = new byte[Length];
        int at = Record(buffer, 0, 1000, 6, "good");
        Record(buffer, at, 2000, 6, "bad", lengthOverride: 8);
        var log = KernelLogReader.Read(Kernel(buffer, 0, 200));
        log.Records.Select(r => r.Text).Should().Equal("good");
        log.Skipped.Should().Be(1);
        log.Problems.Should().Contain(p => p.Contains("do not fit", StringComparison.Ordinal));
    }

    [Fact]
    public void A_loop_of_wrap_markers_ends()
    {
        // Every header says "end of buffer": the walk would circle forever without its bound.
        var log = KernelLogReader.Read(Kernel(new byte[Length], 64, 32));
        log.Records.Should().BeEmpty();
        log.Problems.Should().Contain(p => p.Contains("second end-of-buffer marker", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_printable_bytes_are_escaped_like_dmesg()
    {
        PrintkText.Decode([(byte)'a', 0x01, (byte)'\t', 0xc3, 0xa9, (byte)'z']).Should().Be("a\\x01\t\\xc3\\xa9z");
    }

    [Fact]
    public void A_printk_log_with_caller_id_gives_each_record_its_caller_and_one_without_gives_none()
    {
        // CONFIG_PRINTK_CALLER (5.1-5.9) appends u32 caller_id to struct printk_log (then 24 bytes with padding).
        KernelType U8 = new IntegerType("u8", 1, false), U16 = new IntegerType("u16", 2, false), U32 = new IntegerType("u32", 4, false), U64 = new IntegerType("u64", 8, false);
        var withCaller = new SyntheticStruct("printk_log", 24,
            new TypeMember("ts_nsec", U64, 0, 0), new TypeMember("len", U16, 64, 0), new TypeMember("text_len", U16, 80, 0),
            new TypeMember("dict_len", U16, 96, 0), new TypeMember("facility", U8, 112, 0),
            new TypeMember("flags", U8, 120, 5), new TypeMember("level", U8, 125, 3), new TypeMember("caller_id", U32, 128, 0));
        var buffer = new byte[Length];
        var text = Encoding.ASCII.GetBytes("from an irq");
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, 5_000);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(8), (ushort)((24 + text.Length + 7) / 8 * 8));
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(10), (ushort)text.Length);
        buffer[15] = 6 << 5;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(16), 0x8000_0001);
        text.CopyTo(buffer.AsSpan(24));
        int next = (24 + text.Length + 7) / 8 * 8;
        var kernel = new SyntheticKernel(new SyntheticTypes().Add("struct printk_log", withCaller), nrCpuIds: 2);
        kernel.Memory.Map(Buffer, buffer);
        kernel.Global("log_buf", 0xffff_ffff_8100_0000UL, Buffer);
        kernel.Global("log_buf_len", 0xffff_ffff_8100_0100UL, Length);
        kernel.Global("log_first_idx", 0xffff_ffff_8100_0200UL, 0UL);
        kernel.Global("log_next_idx", 0xffff_ffff_8100_0300UL, (ulong)next);
        var record = KernelLogReader.Read(kernel).Records.Should().ContainSingle().Subject;
        record.Text.Should().Be("from an irq");
        record.Caller.Should().Be("C1");

        var plain = new byte[Length];
        int end = Record(plain, 0, 1_000, 6, "no caller here");
        KernelLogReader.Read(Kernel(plain, 0, end)).Records.Should().ContainSingle().Which.CallerId.Should().BeNull("struct printk_log without CONFIG_PRINTK_CALLER has no caller_id");
    }
}
