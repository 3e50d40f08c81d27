namespace DumpScope.Plugins.Triage.Log;

/// <summary>One line of the kernel log.</summary>
/// <param name="Index">Its position among the log's lines.</param>
/// <param name="Seconds">Seconds since boot, when known.</param>
/// <param name="Text">The text without the timestamp.</param>
public sealed record LogLine(int Index, double? Seconds, string Text)
{
    /// <summary>The line as dmesg prints it ("[   14.180289] text").</summary>
    public string Display => Seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"[{s,12:F6}] {Text}") : Text;
}
