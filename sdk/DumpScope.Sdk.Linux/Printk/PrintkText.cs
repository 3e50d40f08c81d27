namespace DumpScope.Sdk.Linux.Printk;

/// <summary>How record bytes become text.</summary>
public static class PrintkText
{
    /// <summary>
    /// Message bytes as text: printable ASCII and whitespace as they are, every other byte as "\xNN" (what
    /// /dev/kmsg, makedumpfile --dump-dmesg and crash print).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7f || b is (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
