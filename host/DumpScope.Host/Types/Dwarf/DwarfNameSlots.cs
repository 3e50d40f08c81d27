using System.Runtime.CompilerServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// For one name, the chosen DIE in each name space (offset + 1, so 0 means none) and how good it is
/// (<see cref="Rank"/>): a definition beats a declaration, a variable with an address beats one without.
/// </summary>
internal struct DwarfNameSlots
{
    /// <summary>Number of name spaces.</summary>
    public const int Count = 5;

    private Offsets _offsets;
    private Ranks _ranks;

    /// <summary>Set when the ordinary-name entry is a base type (not a typedef).</summary>
    public bool OrdinaryIsBaseType;

    /// <summary>The DIE offset in a space, or -1.</summary>
    public readonly long Offset(DwarfNameSpace space) => _offsets[(int)space] - 1;

    /// <summary>The rank of the entry in a space (0 = none).</summary>
    public readonly byte Rank(DwarfNameSpace space) => _ranks[(int)space];

    /// <summary>Keeps <paramref name="offset"/> when it ranks higher than the entry already there (ties keep the earlier one).</summary>
    public bool Offer(DwarfNameSpace space, long offset, byte rank, bool baseType = false)
    {
        if (rank <= _ranks[(int)space]) return false;
        _offsets[(int)space] = offset + 1;
        _ranks[(int)space] = rank;
        if (space == DwarfNameSpace.Ordinary) OrdinaryIsBaseType = baseType;
        return true;
    }

    /// <summary>Takes each space of <paramref name="other"/> that ranks higher.</summary>
    public void Merge(in DwarfNameSlots other)
    {
        for (int s = 0; s < Count; s++)
        {
            var space = (DwarfNameSpace)s;
            if (other.Rank(space) > 0) Offer(space, other.Offset(space), other.Rank(space), other.OrdinaryIsBaseType);
        }
    }

    [InlineArray(Count)]
    private struct Offsets
    {
        private long _first;
    }

    [InlineArray(Count)]
    private struct Ranks
    {
        private byte _first;
    }
}
