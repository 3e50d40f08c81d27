using DumpScope.Plugins.Diff.Comparison;
using DumpScope.Plugins.Diff.Snapshots;
using static DumpScope.Plugins.Diff.Tests.Synthetic;

namespace DumpScope.Plugins.Diff.Tests;

public sealed class SameSystemCheckTests
{
    [Fact]
    public void The_same_build_and_kaslr_offset_is_one_boot()
    {
        var verdict = SameSystemCheck.Check(Identity, Identity, allowOtherBoot: false);
        verdict.Refusal.Should().BeNull();
        verdict.SameBoot.Should().BeTrue();
        verdict.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Within_a_boot_a_new_dump_taken_before_the_old_one_is_warned_about()
    {
        var earlier = Identity with { Uptime = TimeSpan.FromSeconds(120) };
        var later = Identity with { Uptime = TimeSpan.FromSeconds(185.5) };

        SameSystemCheck.Check(earlier, later, allowOtherBoot: false).Warnings.Should().BeEmpty();
        var reversed = SameSystemCheck.Check(later, earlier, allowOtherBoot: false);
        reversed.Refusal.Should().BeNull("the dumps still correspond, the changes are only reversed");
        reversed.Warnings.Should().ContainSingle().Which.Should().Be(
            "the new dump was taken before the old one (uptime 120.0 s vs 185.5 s): every change below is reversed; give the earlier dump first");
        SameSystemCheck.Check(later, Identity, allowOtherBoot: false).Warnings.Should().BeEmpty("an unknown uptime orders nothing");
    }

    [Fact]
    public void Another_release_or_build_id_is_refused_even_when_other_boots_are_allowed()
    {
        SameSystemCheck.Check(Identity, Identity with { Release = "5.10.0-32-cloud-amd64" }, allowOtherBoot: true).Refusal
            .Should().StartWith("not the same kernel: the old dump runs 6.1.0-56-cloud-amd64, the new one 5.10.0-32-cloud-amd64");
        SameSystemCheck.Check(Identity, Identity with { BuildId = "0123456789abcdef0123" }, allowOtherBoot: true).Refusal
            .Should().Contain("BUILD-IDs differ (3b43fad50348 vs 0123456789ab)");
    }

    [Fact]
    public void Another_boot_of_the_same_build_is_refused_unless_asked_and_then_warned_about()
    {
        var other = Identity with { KernelOffset = 0x1ba00000 };
        var refused = SameSystemCheck.Check(Identity, other, allowOtherBoot: false);
        refused.Refusal.Should().Be("the dumps are of different boots (KASLR offset 10200000 vs 1ba00000) of 6.1.0-56-cloud-amd64: tasks, pids and objects do not correspond; --other-boot compares them anyway");
        refused.Refusal.Should().NotContain("\n");

        var allowed = SameSystemCheck.Check(Identity, other, allowOtherBoot: true);
        allowed.Refusal.Should().BeNull();
        allowed.SameBoot.Should().BeFalse();
        allowed.Warnings.Should().ContainSingle().Which.Should().Contain("matched by pid and comm");
    }

    [Fact]
    public void Without_vmcoreinfo_only_the_release_is_checked_with_a_warning()
    {
        var bare = new KernelIdentity(Identity.Release, null, 0, false);
        var verdict = SameSystemCheck.Check(bare, bare, allowOtherBoot: false);
        verdict.Refusal.Should().BeNull();
        verdict.Warnings.Should().ContainSingle().Which.Should().Contain("no VMCOREINFO");
    }
}
