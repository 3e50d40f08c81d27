
namespace DumpScope.Plugins.Slab.Tests;

/// <summary>Writes circular list_head chains into fake kernel memory.</summary>
internal static class FakeLists
{
    /// <summary>Links <paramref name="head"/> and <paramref name="nodes"/> (list_head addresses) into one circular list.</summary>
    public static void Link(SyntheticMemory memory, ulong head, ulong[] nodes)
    {
        var all = nodes.Prepend(head).ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            memory.WriteU64(all[i], all[(i + 1) % all.Length]);
            memory.WriteU64(all[i] + 8, all[(i + all.Length - 1) % all.Length]);
        }
    }
}
