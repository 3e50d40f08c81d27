namespace DumpScope.Sdk.Linux.Objects;

/// <summary>
/// Reads of probed members (<see cref="ProbedMember"/>) from a <see cref="KernelObject"/>, usually a loaded one
/// (<see cref="KernelObject.Load()"/>): the value, or the reason it cannot be read (the page's fault), never an exception
/// for bad data.
/// </summary>
public static class ObjectReads
{
    /// <summary>The member at a probed location.</summary>
    public static KernelObject Member(this KernelObject obj, ProbedMember member) => obj.Member(member.Location);

    /// <summary>An integer, enum, pointer or bitfield member as an unsigned value, or why it is unreadable.</summary>
    public static bool TryUnsigned(this KernelObject obj, ProbedMember member, out ulong value, out string? reason)
    {
        reason = null;
        if (obj.TryReadUnsigned(member.Location, out value, out var fault)) return true;
        reason = fault!.Message;
        return false;
    }

    /// <summary>An integer member with its own signedness, or why it is unreadable.</summary>
    public static bool TryInteger(this KernelObject obj, ProbedMember member, out long value, out string? reason)
    {
        value = 0;
        if (!obj.TryUnsigned(member, out var raw, out reason)) return false;
        var type = member.Type.Resolve();
        int bits = member.IsBitfield ? (int)member.Location.BitSize : (int)type.Size * 8;
        value = type.IsSigned && bits < 64 ? (long)(raw << (64 - bits)) >> (64 - bits) : (long)raw;
        return true;
    }

    /// <summary>A char-array or char-pointer member as text, or why it is unreadable.</summary>
    public static bool TryString(this KernelObject obj, ProbedMember member, out string value, out string? reason, int maxLength = 256)
    {
        value = "";
        reason = null;
        try
        {
            value = obj.Member(member.Location).ReadString(maxLength);
            return true;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            reason = KernelDataErrors.Reason(e);
            return false;
        }
    }
}
