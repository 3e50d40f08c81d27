using System.Text;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Linux.Init;

namespace DumpScope.Sdk.Linux.Tests.Init;

/// <summary>
/// init_utsname() of a kernel without types (Ubuntu's 4.15 has no BTF): struct new_utsname is user ABI (six char[65]),
/// so once its place in init_uts_ns is found by content (sysname "Linux", release = VMCOREINFO's OSRELEASE) every
/// field reads; what precedes it (a kref on 4.x, nothing since 5.11, anything under __randomize_layout) is never assumed.
/// </summary>
public sealed class UtsnameUntypedTests
{
    private const ulong InitUtsNs = 0xffffffff82613280UL;
    private const string Release = "4.15.0-213-generic";

    private static SyntheticKernel Kernel(int nameOffset, string release = Release)
    {
        var kernel = new SyntheticKernel(new SyntheticTypes()) { VmcoreInfo = VmcoreInfo.Parse($"OSRELEASE={Release}\n") };
        kernel.Symbols.Add("init_uts_ns", InitUtsNs);
        var bytes = new byte[1024];
        // a refcount and pointers around the name, as the real struct has
        BitConverter.GetBytes(3u).CopyTo(bytes, 0);
        string[] fields = ["Linux", "(none)", release, "#224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023", "x86_64", "(none)"];
        for (int i = 0; i < fields.Length; i++) Encoding.ASCII.GetBytes(fields[i]).CopyTo(bytes, nameOffset + i * Utsname.FieldLength);
        kernel.Memory.Write(InitUtsNs, bytes);
        return kernel;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(200)]
    public void Every_field_is_read_where_the_name_is_found_by_its_content(int nameOffset)
    {
        var kernel = Kernel(nameOffset);

        Utsname.Field(kernel, "release", out var problem, out var how).Should().Be(Release, problem);
        how.Should().Contain($"init_uts_ns+{nameOffset:#x}").And.Contain("found by content");
        Utsname.Field(kernel, "version", out _).Should().Be("#224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023");
        Utsname.Field(kernel, "machine", out _).Should().Be("x86_64");
        Utsname.Field(kernel, "nodename", out _).Should().Be("(none)");
    }

    [Fact]
    public void A_name_whose_release_is_not_VMCOREINFOs_is_not_taken_and_the_missing_types_are_named()
    {
        var kernel = Kernel(4, release: "6.1.0-56-cloud-amd64");

        Utsname.FindUntyped(kernel, out _).Should().BeNull();
        Utsname.Field(kernel, "release", out var problem).Should().BeNull();
        problem.Should().Contain("struct uts_namespace").And.Contain("is needed but the session has");
    }
}
