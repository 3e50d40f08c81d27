using DumpScope.Testing.Kallsyms;

namespace DumpScope.Fuzz;

/// <summary>
/// Seeds for the kallsyms harnesses, built with the test kit's <see cref="KallsymsImage"/> (a token table
/// where most tokens are single characters and a few are multi-character, as scripts/kallsyms makes them).
/// </summary>
internal static class KallsymsSeed
{
    /// <summary>For <see cref="KallsymsHarness"/>: the header locating the tables, then the 4.6–6.3 layout.</summary>
    public static byte[] Encode(IReadOnlyList<KernelSymbol> symbols, bool absolutePercpu)
    {
        ulong at = KallsymsHarness.Base + KallsymsHarness.HeaderSize;
        var image = KallsymsImage.Build(symbols, KallsymsLayout.OffsetsFirst, at, relativeBase: symbols[0].Address, absolutePercpu: absolutePercpu);
        var result = new byte[KallsymsHarness.HeaderSize + image.Bytes.Length];
        image.Bytes.CopyTo(result, KallsymsHarness.HeaderSize);
        ulong[] header = [image.NamesAddress, image.NumSymsAddress, image.TokenTableAddress, image.TokenIndexAddress, image.AddressTableAddress, image.RelativeBaseAddress!.Value];
        for (int i = 0; i < header.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(i * 4), (uint)(header[i] - KallsymsHarness.Base));
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(24), symbols[0].Address);
        return result;
    }

    /// <summary>For <see cref="KallsymsSearchHarness"/>: a page of filler ("text"), then the tables in <paramref name="layout"/>.</summary>
    public static byte[] EncodeImage(IReadOnlyList<KernelSymbol> symbols, KallsymsLayout layout) =>
        KallsymsImage.Build(symbols, layout, KallsymsSearchHarness.Base, relativeBase: symbols[0].Address,
            absolutePercpu: layout is KallsymsLayout.OffsetsFirst or KallsymsLayout.SeqsBetween or KallsymsLayout.OffsetsLast, prefix: 4096).Bytes;
}
