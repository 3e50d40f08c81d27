using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// Builds the name index in one pass over the units without materialising DIE trees: only the children of
/// each unit DIE are decoded, and only their name, declaration, external, location, specification and sibling
/// attributes; subtrees are stepped over through DW_AT_sibling or, without one, by walking abbreviation
/// forms. Units are split into byte-balanced chunks indexed in parallel, each into its own table; the tables
/// are merged in unit order so the result does not depend on scheduling.
/// </summary>
internal static class DwarfIndexBuilder
{
    /// <summary>Rank of a declaration (DW_AT_declaration).</summary>
    public const byte RankDeclaration = 1;
    /// <summary>Rank of a type definition, or of a variable definition without a static address.</summary>
    public const byte RankDefinition = 2;
    /// <summary>Rank of a file-static variable with an address.</summary>
    public const byte RankStaticVariable = 3;
    /// <summary>Rank of a global variable with an address.</summary>
    public const byte RankGlobalVariable = 4;

    private sealed class Chunk(int first, int end)
    {
        public int First { get; } = first;
        public int End { get; } = end;
        // Sized for a kernel-like unit mix so the table rarely grows: growing copies it.
        public Dictionary<DwarfNameKey, DwarfNameSlots> Names { get; } = new(16384);
        public List<(DwarfNameKey Name, ulong Address, bool External)> Variables { get; } = [];
        public List<(ulong Signature, long Offset)> Signatures { get; } = [];
        public ExceptionDispatchInfo? Error { get; set; }
    }

    /// <summary>Indexes every unit of <paramref name="file"/> using up to <paramref name="parallelism"/> threads.</summary>
    public static DwarfNameIndex Build(DwarfFile file, int parallelism, CancellationToken cancellation = default)
    {
        using var lease = file.Image.Acquire();
        var chunks = Partition(file, Math.Max(1, parallelism));
        Parallel.For(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation }, i =>
        {
            var chunk = chunks[i];
            try
            {
                for (int u = chunk.First; u < chunk.End; u++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    IndexUnit(file, file.Units[u], chunk);
                }
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                chunk.Error = ExceptionDispatchInfo.Capture(e);
            }
        });
        // The error of the earliest unit, whatever thread found it first: the same file gives the same message.
        foreach (var chunk in chunks) chunk.Error?.Throw();
        return Merge(chunks);
    }

    private static Chunk[] Partition(DwarfFile file, int parallelism)
    {
        var units = file.Units;
        int wanted = Math.Min(units.Length, parallelism * 8);
        if (wanted == 0) return [];
        long total = file.Info.Length, per = Math.Max(1, total / wanted);
        var chunks = new List<Chunk>();
        int first = 0;
        for (int u = 0; u < units.Length; u++)
        {
            bool last = u == units.Length - 1;
            if (last || units[u].End - units[first].Offset >= per)
            {
                chunks.Add(new Chunk(first, u + 1));
                first = u + 1;
            }
        }
        return chunks.ToArray();
    }

    // Optimised at once: the indexing loop runs a few hundred times per file, too few for tiered
    // compilation to replace slow first-tier code before most of the work is done.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void IndexUnit(DwarfFile file, DwarfUnit unit, Chunk chunk)
    {
        var info = file.Info;
        // A table of this unit only: the catalog's shared cache would keep every unit's table alive.
        var table = DwarfAbbreviationTable.Parse(file.Abbrev, unit.AbbrevOffset, unit.AddressSize, unit.OffsetSize, unit.Version);
        var cursor = new DwarfCursor(info, (int)unit.DieOffset);
        if (unit.DieOffset >= unit.End) return;
        ulong code = cursor.Uleb();
        if (code == 0) return;
        var unitAbbreviation = table.Get(code, info, unit.DieOffset);
        var unitValues = new DwarfAttributeValue[unitAbbreviation.Attributes.Length];
        for (int i = 0; i < unitValues.Length; i++) unitValues[i] = DwarfForms.Read(ref cursor, unitAbbreviation.Attributes[i], unit);
        file.ApplyBases(unit, unitValues);
        if (unit.IsTypeUnit) chunk.Signatures.Add((unit.TypeSignature, unit.TypeOffset));
        if (!unitAbbreviation.HasChildren) return;

        while (true)
        {
            if (cursor.Position >= unit.End)
                throw info.Error(cursor.Position, $"the children of the unit DIE at 0x{unit.DieOffset:x} run past the end of the unit (0x{unit.End:x}); the terminating null entry is missing");
            long dieOffset = cursor.Position;
            code = cursor.Uleb();
            if (code == 0) return;
            var abbreviation = table.Get(code, info, dieOffset);
            DwarfNameSpace space;
            switch (abbreviation.Tag)
            {
                case DwarfTag.StructureType or DwarfTag.ClassType: space = DwarfNameSpace.Struct; break;
                case DwarfTag.UnionType: space = DwarfNameSpace.Union; break;
                case DwarfTag.EnumerationType: space = DwarfNameSpace.Enum; break;
                case DwarfTag.Typedef or DwarfTag.BaseType: space = DwarfNameSpace.Ordinary; break;
                case DwarfTag.Variable: space = DwarfNameSpace.Variable; break;
                default:
                    {
                        long next = DwarfFile.SkipAttributes(ref cursor, abbreviation, unit);
                        if (abbreviation.HasChildren) cursor.Position = (int)SkipSubtree(file, unit, table, dieOffset, next, cursor.Position);
                        continue;
                    }
            }

            DwarfNameKey name = default;
            bool declaration = false, external = false, hasAddress = false;
            long sibling = -1, specification = -1;
            ulong address = 0;
            foreach (var spec in abbreviation.Attributes)
            {
                switch (spec.Name)
                {
                    case DwarfAttribute.Name:
                        name = new DwarfNameKey(file.StringBytes(DwarfForms.Read(ref cursor, spec, unit), unit, out _, out _));
                        break;
                    case DwarfAttribute.Declaration:
                        declaration = DwarfForms.Read(ref cursor, spec, unit).Value != 0;
                        break;
                    case DwarfAttribute.External:
                        external = DwarfForms.Read(ref cursor, spec, unit).Value != 0;
                        break;
                    case DwarfAttribute.Sibling:
                        {
                            var v = DwarfForms.Read(ref cursor, spec, unit);
                            if (v.IsLocalReference) sibling = (long)v.Value;
                            break;
                        }
                    case DwarfAttribute.Location when space == DwarfNameSpace.Variable:
                        {
                            var v = DwarfForms.Read(ref cursor, spec, unit);
                            if (v.IsBlock) hasAddress = file.TryStaticAddress(file.Block(v), unit, out address);
                            break;
                        }
                    case DwarfAttribute.Specification or DwarfAttribute.AbstractOrigin when space == DwarfNameSpace.Variable:
                        {
                            var v = DwarfForms.Read(ref cursor, spec, unit);
                            if (v.IsLocalReference) specification = (long)v.Value;
                            break;
                        }
                    default:
                        DwarfForms.Skip(ref cursor, spec.Form, unit);
                        break;
                }
            }
            if (abbreviation.HasChildren) cursor.Position = (int)SkipSubtree(file, unit, table, dieOffset, sibling, cursor.Position);

            if (space == DwarfNameSpace.Variable)
            {
                // A definition that completes an earlier declaration names it through DW_AT_specification
                // and carries only the location: the name and linkage are the declaration's.
                if (name.IsEmpty && specification >= 0)
                {
                    var declared = unit.Contains(specification) ? file.ReadDie(unit, table, specification, dieOffset) : file.ReadDie(specification, dieOffset);
                    if (declared.TryGet(DwarfAttribute.Name, out var declaredName))
                        name = new DwarfNameKey(file.StringBytes(declaredName, declared.Unit, out _, out _));
                    external |= declared.Flag(DwarfAttribute.External);
                }
                if (name.IsEmpty) continue;
                byte rank = hasAddress ? external ? RankGlobalVariable : RankStaticVariable : declaration ? RankDeclaration : RankDefinition;
                ref var slots = ref CollectionsMarshal.GetValueRefOrAddDefault(chunk.Names, name, out _);
                slots.Offer(space, dieOffset, rank);
                if (hasAddress) chunk.Variables.Add((name, address, external));
            }
            else
            {
                if (name.IsEmpty) continue;
                ref var slots = ref CollectionsMarshal.GetValueRefOrAddDefault(chunk.Names, name, out _);
                slots.Offer(space, dieOffset, declaration ? RankDeclaration : RankDefinition, abbreviation.Tag == DwarfTag.BaseType);
            }
        }
    }

    private static long SkipSubtree(DwarfFile file, DwarfUnit unit, DwarfAbbreviationTable table, long dieOffset, long sibling, long childrenStart)
    {
        if (sibling < 0) return file.SkipChildren(unit, childrenStart, table);
        file.CheckSibling(unit, dieOffset, sibling);
        return sibling;
    }

    private static DwarfNameIndex Merge(Chunk[] chunks)
    {
        int capacity = chunks.Length == 0 ? 0 : chunks.Max(c => c.Names.Count);
        var merged = new Dictionary<DwarfNameKey, DwarfNameSlots>(capacity);
        foreach (var chunk in chunks)
        {
            foreach (var (key, slots) in chunk.Names)
            {
                ref var target = ref CollectionsMarshal.GetValueRefOrAddDefault(merged, key, out _);
                target.Merge(slots);
            }
        }
        var names = new Dictionary<string, DwarfNameSlots>(merged.Count, StringComparer.Ordinal);
        var strings = new Dictionary<DwarfNameKey, string>(merged.Count);
        foreach (var (key, slots) in merged)
        {
            var text = key.ToString();
            strings[key] = text;
            names[text] = slots;
        }
        var variables = new List<DwarfVariable>();
        var signatures = new Dictionary<ulong, long>();
        foreach (var chunk in chunks)
        {
            foreach (var (key, address, external) in chunk.Variables)
                variables.Add(new DwarfVariable(strings[key], address, external));
            foreach (var (signature, offset) in chunk.Signatures) signatures.TryAdd(signature, offset);
        }
        return new DwarfNameIndex(names, variables.ToArray(), signatures);
    }
}
