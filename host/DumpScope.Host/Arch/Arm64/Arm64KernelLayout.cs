namespace DumpScope.Host.Arch.Arm64;

/// <summary>
/// Builds an <see cref="Arm64AddressSpace"/> from what arm64's arch_crash_save_vmcoreinfo writes (PAGESIZE,
/// NUMBER(VA_BITS), NUMBER(TCR_EL1_T1SZ), NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET), KERNELOFFSET) and the
/// generic SYMBOL(swapper_pg_dir), probing what the note does not say against the page tables themselves: the
/// walk geometry (a VA_BITS=52 kernel on 48-bit hardware) must translate swapper_pg_dir to its own physical
/// address, and PAGE_OFFSET must map the kernel image's physical pages in the linear map. See
/// docs/kernel-notes.md#arm64-addresses.
/// </summary>
public static class Arm64KernelLayout
{
    /// <summary>The address space, and what was learned how (for features and notes).</summary>
    /// <param name="Space">The address space, the linear map configured when PAGE_OFFSET was confirmed.</param>
    /// <param name="How">The VMCOREINFO facts used and the probes' outcome, one line.</param>
    /// <param name="Notes">Fallbacks and unconfirmed probes.</param>
    public sealed record Result(Arm64AddressSpace Space, string How, IReadOnlyList<string> Notes);

    /// <summary>Builds the address space of the arm64 kernel <paramref name="info"/> describes.</summary>
    /// <exception cref="NotSupportedException">VMCOREINFO lacks what the translation needs.</exception>
    /// <exception cref="InvalidDataException">VMCOREINFO's values cannot be an arm64 configuration.</exception>
    public static Result FromVmcoreInfo(IPhysicalMemory physical, VmcoreInfo info, ulong maxPhysicalAddress, string dumpName)
    {
        ArgumentNullException.ThrowIfNull(physical);
        ArgumentNullException.ThrowIfNull(info);
        var notes = new List<string>();
        int pageSize = info.PageSize ?? throw new NotSupportedException($"{dumpName}: VMCOREINFO has no PAGESIZE; the arm64 granule is unknown");
        if (pageSize is not (4096 or 16384 or 65536))
            throw new InvalidDataException($"{dumpName}: VMCOREINFO PAGESIZE={pageSize}: expected an arm64 granule (4096, 16384 or 65536)");
        int pageShift = System.Numerics.BitOperations.Log2((uint)pageSize);
        if (!info.TryGetNumber("kimage_voffset", out var voffset))
            throw new NotSupportedException($"{dumpName}: VMCOREINFO has no NUMBER(kimage_voffset); arm64 kernel-image addresses cannot be translated");
        if (!info.TryGetNumber("PHYS_OFFSET", out var physOffset))
            throw new NotSupportedException($"{dumpName}: VMCOREINFO has no NUMBER(PHYS_OFFSET); the arm64 linear map cannot be placed");
        if (!info.TryGetSymbol("swapper_pg_dir", out var swapper))
            throw new NotSupportedException($"{dumpName}: VMCOREINFO has no SYMBOL(swapper_pg_dir); the arm64 kernel page tables cannot be found");

        // VA_BITS is the configured size (VMCOREINFO_NUMBER, decimal); TCR_EL1.T1SZ what the hardware ran with.
        int configVa = info.TryGetNumber("VA_BITS", out var va) ? (int)va : 0;
        int actualVa = info.TryGetNumber("TCR_EL1_T1SZ", out var t1sz) && t1sz is > 0 and < 64 ? 64 - (int)t1sz : 0;
        if (configVa == 0 && actualVa == 0)
        {
            configVa = actualVa = 48;
            notes.Add("arm64: VMCOREINFO has neither NUMBER(VA_BITS) nor NUMBER(TCR_EL1_T1SZ); 48-bit virtual addresses assumed");
        }
        if (configVa == 0) configVa = actualVa;
        if (actualVa == 0) actualVa = configVa;
        if (configVa is < 36 or > 52 || actualVa is < 36 or > 52)
            throw new InvalidDataException($"{dumpName}: VMCOREINFO VA_BITS={configVa}, TCR_EL1.T1SZ gives {actualVa} bits: expected 36 to 52");

        ulong kimageVoffset = (ulong)voffset;
        ulong swapperPhysical = unchecked(swapper - kimageVoffset);
        var candidates = new List<(Arm64AddressSpaceOptions Options, string Why)>();
        Arm64AddressSpaceOptions Geometry(int bits, ulong root) => new()
        {
            PageTableRoot = root, PageSize = pageSize, VaBits = bits, KimageVoffset = kimageVoffset, PhysOffset = (ulong)physOffset,
            MaxPhysicalAddress = maxPhysicalAddress, Lpa2 = bits == 52 && pageShift != 16,
        };
        candidates.Add((Geometry(actualVa, swapperPhysical), $"{actualVa}-bit walk from swapper_pg_dir"));
        if (configVa > actualVa)
        {
            // A 52-bit kernel on 48-bit hardware points TTBR1 into its 52-bit PGD (TTBR1_BADDR_4852_OFFSET).
            int topShift = (pageShift - 3) * ((actualVa - 4) / (pageShift - 3) - 1) + pageShift;
            ulong offset = ((1UL << (configVa - topShift)) - (1UL << (actualVa - topShift))) * 8;
            candidates.Add((Geometry(actualVa, swapperPhysical + offset), $"{actualVa}-bit walk from swapper_pg_dir + {offset:#x} (TTBR1_BADDR_4852_OFFSET)"));
        }
        if (configVa != actualVa) candidates.Add((Geometry(configVa, swapperPhysical), $"{configVa}-bit walk from swapper_pg_dir"));

        Arm64AddressSpace? chosen = null;
        string geometryHow = "";
        foreach (var (options, why) in candidates)
        {
            if ((options.PageTableRoot & 63) != 0) continue;
            var probe = new Arm64AddressSpace(physical, options with { UseFastPaths = false, TranslationCacheEntries = 0 });
            var walk = probe.Walk(swapper);
            if (walk.Success && walk.PhysicalAddress == swapperPhysical)
            {
                chosen = new Arm64AddressSpace(physical, options);
                geometryHow = $"{why}: confirmed (swapper_pg_dir maps to itself − kimage_voffset)";
                break;
            }
        }
        if (chosen is null)
        {
            var first = candidates[0];
            var walk = new Arm64AddressSpace(physical, first.Options with { UseFastPaths = false, TranslationCacheEntries = 0 }).Walk(swapper);
            notes.Add($"arm64 page tables: swapper_pg_dir {swapper:x} does not translate to {swapperPhysical:x} through its own tables " +
                $"({walk.Fault?.Message ?? $"maps to {walk.PhysicalAddress:x}"}); using the {first.Why} unconfirmed");
            chosen = new Arm64AddressSpace(physical, first.Options);
            geometryHow = $"{first.Why}: not confirmed";
        }

        string linearHow = ConfigureLinearMap(chosen, info, swapper, swapperPhysical, configVa, actualVa, notes);
        string how = $"VMCOREINFO PAGESIZE={pageSize}, NUMBER(VA_BITS)={configVa}" + (actualVa != configVa || t1sz > 0 ? $", TCR_EL1.T1SZ={t1sz}" : "") +
            $", kimage_voffset={kimageVoffset:x}, PHYS_OFFSET={(ulong)physOffset:x}; {geometryHow}; {linearHow}";
        return new Result(chosen, how, notes);
    }

    /// <summary>
    /// The linear map's start as the kernel computes it, confirmed against the page tables. Candidates:
    /// _PAGE_OFFSET(VA_BITS) = −2^VA_BITS (the "flipped" layout of commit 14c127c957c1 "arm64: mm: Flip kernel VA
    /// space", 5.4: the linear map in the lower half of the TTBR1 range); the same from the hardware's VA size;
    /// and −2^(VA_BITS−1) (before 5.4, the linear map was the upper half). Each must map the physical pages of the
    /// kernel image at PAGE_OFFSET + (physical − PHYS_OFFSET).
    /// </summary>
    private static string ConfigureLinearMap(Arm64AddressSpace space, VmcoreInfo info, ulong swapper, ulong swapperPhysical, int configVa, int actualVa, List<string> notes)
    {
        var options = space.Options;
        ulong physOffset = options.PhysOffset;
        var probes = new List<ulong>();
        if (info.TryGetSymbol("_stext", out var stext)) probes.Add(unchecked(stext - options.KimageVoffset));
        probes.Add(swapperPhysical);
        var candidates = new List<(ulong PageOffset, string Why)>
        {
            (unchecked(0UL - (1UL << configVa)), $"-2^{configVa} (flipped layout, 5.4+)"),
        };
        if (actualVa != configVa) candidates.Add((unchecked(0UL - (1UL << actualVa)), $"-2^{actualVa} (flipped layout, hardware VA size)"));
        candidates.Add((unchecked(0UL - (1UL << (configVa - 1))), $"-2^{configVa - 1} (layout before 5.4)"));
        ulong span = options.MaxPhysicalAddress > physOffset ? options.MaxPhysicalAddress - physOffset : 1UL << (actualVa - 2);
        foreach (var (pageOffset, why) in candidates)
        {
            foreach (var physical in probes)
            {
                if (physical < physOffset) continue;
                var walk = space.Walk(pageOffset + (physical - physOffset));
                if (!walk.Success || walk.PhysicalAddress != physical) continue;
                try
                {
                    space.ConfigureLinearMap(pageOffset, span);
                }
                catch (InvalidDataException e)
                {
                    notes.Add($"arm64 linear map: {e.Message}");
                    continue;
                }
                return $"PAGE_OFFSET {pageOffset:x} = {why}, confirmed: physical {physical:x} is mapped at {pageOffset + (physical - physOffset):x}";
            }
        }
        notes.Add($"arm64 linear map: no PAGE_OFFSET candidate ({string.Join(", ", candidates.Select(c => $"{c.PageOffset:x}"))}) maps the kernel image's pages; linear-map addresses go through the page tables and ptov is unavailable");
        return "PAGE_OFFSET not confirmed";
    }
}
