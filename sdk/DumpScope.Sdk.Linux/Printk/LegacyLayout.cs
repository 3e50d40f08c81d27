namespace DumpScope.Sdk.Linux.Printk;

/// <summary>Offsets in a <c>struct printk_log</c> record header.</summary>
internal sealed record LegacyLayout(ulong HeaderSize, ulong TsNsec, ulong Len, ulong TextLen, LogLevelFields Levels, string Source);
