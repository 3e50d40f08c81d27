using System.Diagnostics;
using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// DWARF written by gcc (DWARF 2 strict, 4 and 5; linked executables and relocatable objects, whose debug
/// sections need their relocations applied) checked against the layout the compiled program itself reports
/// with sizeof, offsetof and bit probes, and variable addresses checked against nm.
/// </summary>
public sealed class DwarfGccTests : IDisposable
{
    private const string Source = """
        #include <stdio.h>
        #include <stddef.h>
        #include <string.h>
        struct inner { short s; char c; };
        struct probe {
            char c;
            int i;
            unsigned int a:3, b:7;
            unsigned long long wide:40;
            signed char sc:2;
            struct inner in;
            union { int ui; char uc[6]; };
            struct { int x, y; } pair;
            long arr[3][2];
            struct probe *self;
            int flex[];
        };
        enum mood { MOOD_LOW = -3, MOOD_HIGH = 7 };
        typedef struct probe probe_t;
        struct probe probe_global;
        probe_t *probe_pointer = &probe_global;
        static int static_counter = 5;
        enum mood current_mood = MOOD_HIGH;
        int (*callback)(int, const char *);
        #define OFF(m) printf("off %s %zu\n", #m, offsetof(struct probe, m) * 8);
        #define BITS(m) { struct probe p; memset(&p, 0, sizeof p); p.m = -1; unsigned char *q = (unsigned char *)&p; \
            int first = -1, n = 0; for (size_t k = 0; k < sizeof p * 8; k++) if ((q[k / 8] >> (k % 8)) & 1) { if (first < 0) first = (int)k; n++; } \
            printf("bit %s %d %d\n", #m, first, n); }
        int main(void) {
            printf("size %zu\n", sizeof(struct probe));
            OFF(c) OFF(i) OFF(in) OFF(ui) OFF(uc) OFF(pair) OFF(arr) OFF(self) OFF(flex)
            BITS(a) BITS(b) BITS(wide) BITS(sc)
            return static_counter + (int)current_mood + (callback != 0) + probe_pointer->c;
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-dwarf-gcc-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private string Compile(string flags, bool link)
    {
        var source = Path.Combine(_directory, "probe.c");
        File.WriteAllText(source, Source);
        var output = Path.Combine(_directory, link ? "probe" : "probe.o");
        (int Code, string Output) result;
        try { result = Run("gcc", $"-O0 -no-pie {flags} {(link ? "" : "-c")} -o {output} {source}"); }
        catch (System.ComponentModel.Win32Exception) { result = (-1, "gcc not found"); }
        Skip.If(result.Code != 0, $"gcc could not build the probe ({result.Output.Trim()})");
        return output;
    }

    private string Layout()
    {
        var program = Compile("-g", link: true);
        var (code, output) = Run(program, "");
        code.Should().NotBe(-1);
        return output;
    }

    [SkippableTheory]
    [InlineData("-gdwarf-5", true)]
    [InlineData("-gdwarf-5", false)]
    [InlineData("-gdwarf-4", true)]
    [InlineData("-gdwarf-4", false)]
    [InlineData("-gdwarf-2 -gstrict-dwarf", true)]
    public void Struct_layouts_equal_what_the_program_measures(string flags, bool link)
    {
        var measured = Layout();
        var file = Compile(flags, link);
        using var catalog = DwarfTypeCatalog.Open(file, new DwarfOpenOptions { UseCache = false });
        var probe = catalog.FindType("struct probe")!;
        int checkedLines = 0;
        foreach (var line in measured.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = line.Split(' ');
            switch (p[0])
            {
                case "size":
                    probe.Size.Should().Be(ulong.Parse(p[1], CultureInfo.InvariantCulture));
                    break;
                case "off":
                    probe.FindMember(p[1]).BitOffset.Should().Be(ulong.Parse(p[2], CultureInfo.InvariantCulture), $"offsetof({p[1]}) with {flags}");
                    break;
                case "bit":
                    var location = probe.FindMember(p[1]);
                    location.BitOffset.Should().Be(ulong.Parse(p[2], CultureInfo.InvariantCulture), $"the first bit of {p[1]} with {flags}");
                    location.BitSize.Should().Be(uint.Parse(p[3], CultureInfo.InvariantCulture), $"the width of {p[1]} with {flags}");
                    break;
            }
            checkedLines++;
        }
        checkedLines.Should().Be(14);

        probe.FindMember("arr").Type.DisplayName.Should().Be("long int [3][2]");
        probe.FindMember("flex").Type.ArrayLength.Should().Be(0);
        probe.FindMember("self").Type.Resolve().Target!.Should().BeSameAs(probe);
        catalog.FindType("probe_t")!.Resolve().Should().BeSameAs(probe);
        var mood = catalog.FindType("enum mood")!;
        mood.Enumerators.Should().Equal(new EnumValue("MOOD_LOW", -3), new EnumValue("MOOD_HIGH", 7));
        mood.IsSigned.Should().BeTrue();
        catalog.FindVariableType("probe_global")!.DisplayName.Should().Be("struct probe");
        catalog.FindVariableType("static_counter")!.DisplayName.Should().Be("int");
        catalog.FindVariableType("callback")!.DisplayName.Should().Be("int (*)(int, const char *)");
        catalog.FindVariableType("current_mood")!.DisplayName.Should().Be("enum mood");
    }

    [SkippableFact]
    public void Variable_addresses_of_an_executable_equal_nm()
    {
        var program = Compile("-g -gdwarf-5", link: true);
        using var catalog = DwarfTypeCatalog.Open(program, new DwarfOpenOptions { UseCache = false });
        var (code, nm) = Run("nm", program);
        Skip.If(code != 0, "nm failed");
        var expected = nm.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 3)
            .ToDictionary(p => p[2], p => ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        foreach (var name in new[] { "probe_global", "static_counter", "current_mood", "callback" })
        {
            catalog.TryGetVariable(name, out var variable).Should().BeTrue(name);
            variable.LinkAddress.Should().Be(expected[name], name);
        }
        catalog.TryGetVariable("static_counter", out var local).Should().BeTrue();
        local.IsExternal.Should().BeFalse();
    }
}
