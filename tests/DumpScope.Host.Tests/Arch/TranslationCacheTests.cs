using DumpScope.Host.Arch;

namespace DumpScope.Host.Tests.Arch;

public class TranslationCacheTests
{
    [Fact]
    public void A_set_keeps_its_two_most_recent_pages()
    {
        var cache = new TranslationCache(2); // one set: every page collides
        cache.Add(0xffffc900_0000_1000UL, 0x5000, 4096);
        cache.Add(0xffffc900_0000_2000UL, 0x7000, 4096);
        cache.TryGet(0xffffc900_0000_1abcUL, out var a, out var size).Should().BeTrue();
        a.Should().Be(0x5000UL);
        size.Should().Be(4096UL);
        cache.TryGet(0xffffc900_0000_2008UL, out var b, out _).Should().BeTrue();
        b.Should().Be(0x7000UL);

        cache.Add(0xffffc900_0000_3000UL, 0x9000, 2 << 20);
        cache.TryGet(0xffffc900_0000_1000UL, out _, out _).Should().BeFalse("the oldest page left the set");
        cache.TryGet(0xffffc900_0000_2000UL, out _, out _).Should().BeTrue();
        cache.TryGet(0xffffc900_0000_3000UL, out var c, out var large).Should().BeTrue();
        (c, large).Should().Be((0x9000UL, 2UL << 20));

        cache.Add(0xffffc900_0000_3000UL, 0x9000, 2 << 20);
        cache.TryGet(0xffffc900_0000_2000UL, out _, out _).Should().BeTrue("re-adding the newest page does not push the other out");
        cache.Clear();
        cache.TryGet(0xffffc900_0000_3000UL, out _, out _).Should().BeFalse();
    }
}
