using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DumpScope.Host.Tests.DataCommands;

/// <summary>
/// dis against objdump -d of the vmlinux the fixtures' kernel was built from. The dump holds the code as it ran: relocated
/// by KASLR (absolute addresses in instructions moved by the offset) and patched at boot (ftrace's __fentry__ calls
/// made NOPs, return thunks made ret, retpolines, jump labels). Every instruction must be the vmlinux's, byte for byte
/// and mnemonic for mnemonic, once relocated — except at those patch sites, each recognised by what the vmlinux has there.
/// </summary>
public class DisCommandTests
{
    private sealed record Insn(ulong Address, byte[] Bytes, string Mnemonic, string Text);

    [SkippableTheory]
    [InlineData("schedule")]
    [InlineData("rb_next")]
    [InlineData("sort_r")]
    [InlineData("kthread_should_stop")]
    public void Function_disassembly_equals_objdump_of_the_vmlinux(string function)
    {
        var vmlinux = Fixtures.Vmlinux;
        Skip.If(!File.Exists("/usr/bin/objdump") && !Fixtures.UnderCi, "objdump (binutils) is not installed");
        var session = DataCommandRuns.Kd1;
        var kernel = session.Kernel();
        var result = session.Run($"dis {function}");
        result.Error.Should().BeNull();
        var ours = result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => new Insn((ulong)r.Cells[0].Value!,
            Convert.FromHexString((string)r.Cells[2].Value!), Normalize((string)r.Cells[3].Value!), (string)r.Cells[4].Value!)).ToList();
        ours.Should().NotBeEmpty();
        ulong start = ours[0].Address, end = ours[^1].Address + (ulong)ours[^1].Bytes.Length;
        ulong kaslr = kernel.KaslrOffset;
        // Past the end: the last instruction of the vmlinux's function can be longer than the dump's (a return thunk jump).
        var theirs = Objdump(vmlinux, start - kaslr, end - kaslr + 16).Select(i => i with { Address = i.Address + kaslr }).Where(i => i.Address < end).ToList();
        theirs.Should().NotBeEmpty();

        var byAddress = ours.ToDictionary(i => i.Address);
        int equal = 0, patched = 0;
        var wrong = new List<string>();
        foreach (var expected in theirs)
        {
            if (byAddress.TryGetValue(expected.Address, out var actual) && actual.Bytes.Length == expected.Bytes.Length
                && Relocated(expected.Bytes, actual.Bytes, kaslr))
            {
                // Where the bytes are the vmlinux's, the whole text is objdump's too (operands and all).
                bool same = actual.Bytes.AsSpan().SequenceEqual(expected.Bytes)
                    ? Operands(actual.Text, kaslr) == Operands(expected.Text, 0)
                    : actual.Mnemonic == expected.Mnemonic;
                if (same) equal++;
                else wrong.Add($"{expected.Address:x}: objdump '{expected.Text}', dis '{actual.Text}'");
                continue;
            }
            if (PatchSite(expected, byAddress)) { patched++; continue; }
            wrong.Add($"{expected.Address:x}: objdump '{expected.Text}' ({Convert.ToHexString(expected.Bytes)}), dis '{actual?.Text}' ({(actual is null ? "-" : Convert.ToHexString(actual.Bytes))})");
        }
        wrong.Should().BeEmpty();
        equal.Should().BeGreaterThan(theirs.Count / 2, $"most of {function} is not patched ({patched} patch sites)");
    }

    /// <summary>
    /// dis of ten functions (scheduler, VFS, slab, string and checksum code, the syscall entry, FPU setup) against
    /// <c>objdump -d --insn-width=16</c> of the DWARF vmlinux kept in tests/fixtures (so it runs without the 590 MB file):
    /// every instruction whose bytes are the vmlinux's must read exactly as objdump writes it, operands included
    /// (<c>0x18(%rsp)</c>, <c>0x0(%rax,%rax,1)</c>, <c>push 0x28(%rdi)</c>, <c>rep stos %al,%es:(%rdi)</c>,
    /// <c>data16 cs nopw</c>) once branch targets are relocated; the rest are boot-time patch sites, a small minority.
    /// </summary>
    [SkippableFact]
    public void Instruction_text_equals_the_kept_objdump_reference()
    {
        var session = DataCommandRuns.Kd1;
        var kernel = session.Kernel();
        var functions = new List<(string Name, ulong Address, List<(ulong Address, string Bytes, string Text)> Lines)>();
        foreach (var line in DataCommandRuns.Reference("kernel-6.1.0-56-cloud-amd64/objdump-functions.txt").Split('\n'))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                var words = line.Split(' ');
                functions.Add((words[1], ulong.Parse(words[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture), []));
            }
            else if (line.Split('\t') is [var address, var bytes, var text])
                functions[^1].Lines.Add((ulong.Parse(address.TrimEnd(':'), NumberStyles.HexNumber, CultureInfo.InvariantCulture), bytes.Replace(" ", "", StringComparison.Ordinal), text));
        }
        functions.Should().HaveCount(10);
        int same = 0, patched = 0;
        var wrong = new List<string>();
        foreach (var (name, address, lines) in functions)
        {
            kernel.Symbols.TryGetAddress(name, out var relocated).Should().BeTrue(name);
            ulong kaslr = relocated - address;
            var result = session.Run($"dis {relocated:x} {lines.Count * 2}");
            result.Error.Should().BeNull();
            var ours = result.Blocks.OfType<TableBlock>().Single().Rows.ToDictionary(r => (ulong)r.Cells[0].Value! - kaslr);
            foreach (var (at, bytes, text) in lines)
            {
                if (!ours.TryGetValue(at, out var row) || (string)row.Cells[2].Value! != bytes)
                {
                    patched++; // patched at boot: other bytes, or instruction boundaries moved by a patch before it
                    continue;
                }
                if (Operands((string)row.Cells[4].Value!, kaslr) == Operands(text, 0)) same++;
                else wrong.Add($"{name}+{at - address:x} {bytes}: objdump '{text}', dis '{row.Cells[4].Value}'");
            }
        }
        wrong.Should().BeEmpty();
        same.Should().BeGreaterThan(1000);
        patched.Should().BeLessThan((same + patched) / 10);
    }

    private static readonly Regex KernelAddress = new(@"(?<![$0-9a-fx])(?:0x)?(ffffffff[0-9a-f]{8})\b", RegexOptions.Compiled);

    /// <summary>An instruction's text without comments and symbol names, its kernel addresses moved back by <paramref name="kaslr"/>.</summary>
    private static string Operands(string text, ulong kaslr)
    {
        var t = text.Split('#')[0];
        t = Regex.Replace(t, @"\s*<[^>]*>", "");
        t = KernelAddress.Replace(t, m => "K" + (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) - kaslr).ToString("x", CultureInfo.InvariantCulture));
        return t.TrimEnd();
    }

    /// <summary>Equal bytes, or bytes that differ only in one 4- or 8-byte little-endian field moved by the KASLR offset (either way).</summary>
    private static bool Relocated(byte[] image, byte[] memory, ulong kaslr)
    {
        if (image.AsSpan().SequenceEqual(memory)) return true;
        foreach (int width in new[] { 4, 8 })
            for (int at = 0; at + width <= image.Length; at++)
            {
                if (!image.AsSpan(0, at).SequenceEqual(memory.AsSpan(0, at)) || !image.AsSpan(at + width).SequenceEqual(memory.AsSpan(at + width))) continue;
                ulong a = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(at)) : BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(at));
                ulong b = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(memory.AsSpan(at)) : BinaryPrimitives.ReadUInt64LittleEndian(memory.AsSpan(at));
                ulong mask = width == 4 ? 0xffff_ffffUL : ulong.MaxValue;
                // Absolute addresses move up by the offset; RIP-relative ones to unmoved data (per-cpu) move down by it.
                if (((b - a) & mask) == (kaslr & mask) || ((a - b) & mask) == (kaslr & mask)) return true;
            }
        return false;
    }

    /// <summary>A site the kernel patches at boot, known by what the vmlinux has there and what the dump has instead.</summary>
    private static bool PatchSite(Insn image, Dictionary<ulong, Insn> memory)
    {
        memory.TryGetValue(image.Address, out var there);
        // ftrace: the __fentry__ call becomes a 5-byte NOP.
        if (image.Text.Contains("<__fentry__>", StringComparison.Ordinal)) return there is { Mnemonic: "nopl" or "nopw" or "nop" };
        // Return thunks become ret followed by int3 padding.
        if (image.Text.Contains("<__x86_return_thunk>", StringComparison.Ordinal)) return there is { Mnemonic: "ret" };
        // Retpolines: the thunk call or jump becomes an indirect one (or stays a thunk call of another kind).
        if (image.Text.Contains("<__x86_indirect_thunk_", StringComparison.Ordinal)) return there is { Mnemonic: "call" or "jmp" or "lfence" };
        // Jump labels and static calls: a NOP becomes a jump of the same length, or the reverse.
        if (there is not null && there.Bytes.Length == image.Bytes.Length)
            return image.Mnemonic.StartsWith("nop", StringComparison.Ordinal) && there.Mnemonic == "jmp"
                || image.Mnemonic == "jmp" && there.Mnemonic.StartsWith("nop", StringComparison.Ordinal)
                || image.Mnemonic == "xchg" && image.Bytes is [0x66, 0x90] && there.Mnemonic == "jmp";
        return false;
    }

    private static readonly Regex Line = new(@"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$", RegexOptions.Compiled);

    private static List<Insn> Objdump(string vmlinux, ulong start, ulong stop)
    {
        var info = new ProcessStartInfo("objdump", $"-d --insn-width=16 --start-address=0x{start:x} --stop-address=0x{stop:x} {vmlinux}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var list = new List<Insn>();
        foreach (var line in text.Split('\n'))
        {
            var m = Line.Match(line);
            if (!m.Success) continue;
            var bytes = Convert.FromHexString(m.Groups[2].Value.Replace(" ", "", StringComparison.Ordinal));
            var instruction = m.Groups[3].Value.Trim();
            list.Add(new Insn(ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), bytes, Normalize(instruction.Split(' ', 2)[0] == "cs" || instruction.StartsWith("data16", StringComparison.Ordinal) ? instruction.Split(' ').Last(w => w.Length > 0 && !w.Contains('%', StringComparison.Ordinal) && !w.Contains('(', StringComparison.Ordinal)) : instruction.Split(' ', 2)[0]), instruction));
        }
        return list;
    }

    /// <summary>The mnemonic without prefixes and without objdump's and Iced's differing size suffixes on a few.</summary>
    private static string Normalize(string mnemonic)
    {
        var words = mnemonic.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var m = words.LastOrDefault(w => w is not ("lock" or "rep" or "repz" or "repnz" or "repe" or "repne" or "cs" or "ds" or "notrack" or "bnd" or "data16")) ?? mnemonic;
        return m;
    }
}
