using System.Diagnostics;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Symbols;

public sealed class ElfSymbolReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-elf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Source = """
        int global_counter = 7;
        static int local_counter = 3;
        int zeroed_array[64];
        const char read_only_text[] = "Linux version 6.1.0-test";
        __attribute__((weak)) int weak_function(void) { return 1; }
        static int helper(int x) { return x + local_counter; }
        int exported_function(int y) { return helper(y) + global_counter; }
        int main(void) { return exported_function(1) + weak_function() + read_only_text[0] + zeroed_array[1]; }
        """;

    private static (int Code, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private string CompileTinyProgram()
    {
        var source = Path.Combine(_directory, "tiny.c");
        var binary = Path.Combine(_directory, "tiny");
        File.WriteAllText(source, Source);
        bool haveGcc;
        try { haveGcc = Run("gcc", $"-O0 -no-pie -Wl,--build-id=sha1 -o {binary} {source}").Code == 0; }
        catch (System.ComponentModel.Win32Exception) { haveGcc = false; }
        Skip.IfNot(haveGcc, "gcc is not available to build an ELF file");
        return binary;
    }

    [SkippableFact]
    public void Reads_the_symtab_of_a_gcc_built_program_as_nm_does()
    {
        var binary = CompileTinyProgram();
        var file = ElfSymbolReader.Read(binary, 0);

        // nm is the independent truth: every defined symbol with its address and letter.
        var (code, nmOutput) = Run("nm", binary);
        Skip.If(code != 0, "nm failed");
        int compared = 0;
        foreach (var line in nmOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || !"TtDdBbRrWwVv".Contains(parts[1][0])) continue;
            ulong address = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var match = file.Table.All.Where(s => s.Name == parts[2] && s.Address == address).ToList();
            match.Should().NotBeEmpty($"nm lists {line}");
            match.Select(s => s.Type).Should().Contain(parts[1][0], $"nm's letter for {parts[2]}");
            compared++;
        }
        compared.Should().BeGreaterThan(8);
        foreach (var (name, letter) in new[] { ("global_counter", 'D'), ("local_counter", 'd'), ("zeroed_array", 'B'), ("read_only_text", 'R'),
                     ("weak_function", 'W'), ("helper", 't'), ("exported_function", 'T'), ("main", 'T') })
        {
            file.Table.TryGetSymbol(name, out var symbol).Should().BeTrue(name);
            symbol.Type.Should().Be(letter, name);
        }

        var (readelfCode, notes) = Run("readelf", $"-n {binary}");
        if (readelfCode == 0 && notes.Contains("Build ID: ", StringComparison.Ordinal))
        {
            var expected = notes[(notes.IndexOf("Build ID: ", StringComparison.Ordinal) + 10)..].Split('\n')[0].Trim();
            file.BuildId.Should().Be(expected);
        }
        else file.BuildId.Should().NotBeNull();
    }

    [SkippableFact]
    public void Relocates_kernel_image_addresses_only()
    {
        // A linked program sits low in memory, so it is not moved; a kernel-image address would be.
        var binary = CompileTinyProgram();
        var plain = ElfSymbolReader.Read(binary, 0);
        var slid = ElfSymbolReader.Read(binary, 0x1ba00000);
        plain.Table.TryGetAddress("main", out var a).Should().BeTrue();
        slid.Table.TryGetAddress("main", out var b).Should().BeTrue();
        b.Should().Be(a);
        SymbolRelocation.Relocate(0xffffffff81000000UL, 0x1ba00000).Should().Be(0xffffffff9ca00000UL);
        SymbolRelocation.Relocate(0x34000, 0x1ba00000).Should().Be(0x34000UL);
    }

    [SkippableFact]
    public void A_vmlinux_of_another_build_is_refused_by_the_loader()
    {
        var binary = CompileTinyProgram();
        using var dump = DumpScope.Host.Dumps.DumpOpener.Open(DumpScope.Testing.Fixtures.Kd1Zlib);
        FluentActions.Invoking(() => DumpScope.Host.Kernel.KernelLoader.Open(dump, new DumpScope.Host.Kernel.KernelOpenOptions { VmlinuxPath = binary }))
            .Should().Throw<DumpScope.Sdk.Commands.UsageException>()
            .WithMessage($"{binary} does not match the dump: its build-id is * but VMCOREINFO says {dump.VmcoreInfo!.BuildId}; it has no _stext;*");
    }

    [Fact]
    public void Rejects_files_that_are_not_64_bit_little_endian_elf_with_a_symtab()
    {
        var path = Path.Combine(_directory, "bad");
        File.WriteAllBytes(path, new byte[] { 0x4d, 0x5a, 0x90, 0 }.Concat(new byte[60]).ToArray());
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: offset 0: not an ELF file (expected \\x7fELF, found 4D5A9000)");

        var header = ElfHeader(shoff: 0, shnum: 0);
        header[4] = 1;
        File.WriteAllBytes(path, header);
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<NotSupportedException>().WithMessage("*ELF class 1*64-bit*");

        File.WriteAllBytes(path, ElfHeader(shoff: 0, shnum: 0));
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<InvalidDataException>().WithMessage("*e_shoff is 0*stripped*");

        // Section headers claimed past the end of the file.
        File.WriteAllBytes(path, ElfHeader(shoff: 64, shnum: 40));
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: section header table at offset 64 (2560 bytes) extends past the end of the file (64 bytes)");

        // One null section header only: no SHT_SYMTAB.
        File.WriteAllBytes(path, ElfHeader(shoff: 64, shnum: 1).Concat(new byte[64]).ToArray());
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<InvalidDataException>().WithMessage("*no SHT_SYMTAB section*");
    }

    [Fact]
    public void A_symbol_name_outside_the_string_table_is_reported_with_its_offset()
    {
        // header | section headers: null, .symtab (link 2), .strtab | symtab: null + one symbol | strtab "\0x\0"
        var headers = new byte[3 * 64];
        const int symtabOffset = 64 + 3 * 64, strtabOffset = symtabOffset + 48;
        WriteSection(headers.AsSpan(64), type: 2, offset: symtabOffset, size: 48, link: 2, entsize: 24);
        WriteSection(headers.AsSpan(128), type: 3, offset: strtabOffset, size: 3, link: 0, entsize: 0);
        var symtab = new byte[48];
        BinaryPrimitives.WriteUInt32LittleEndian(symtab.AsSpan(24), 99); // st_name beyond .strtab
        symtab[24 + 4] = 0x12; // global function
        BinaryPrimitives.WriteUInt16LittleEndian(symtab.AsSpan(24 + 6), 0xfff1); // SHN_ABS
        var path = Path.Combine(_directory, "badname");
        File.WriteAllBytes(path, ElfHeader(shoff: 64, shnum: 3).Concat(headers).Concat(symtab).Concat("\0x\0"u8.ToArray()).ToArray());
        FluentActions.Invoking(() => ElfSymbolReader.Read(path, 0)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: .symtab entry at file offset {symtabOffset + 24}: name offset 99 beyond .strtab (3 bytes)");
    }

    private static byte[] ElfHeader(ulong shoff, ushort shnum)
    {
        var h = new byte[64];
        h[0] = 0x7f; h[1] = (byte)'E'; h[2] = (byte)'L'; h[3] = (byte)'F';
        h[4] = 2; // ELFCLASS64
        h[5] = 1; // ELFDATA2LSB
        h[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(0x10), 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(0x12), 62); // EM_X86_64
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(0x28), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(0x34), 64); // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(0x3a), 64); // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(0x3c), shnum);
        return h;
    }

    private static void WriteSection(Span<byte> s, uint type, ulong offset, ulong size, uint link, ulong entsize)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x18..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x20..], size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x28..], link);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x38..], entsize);
    }
}
