namespace DumpScope.Fuzz;

/// <summary>
/// Cuts a self-contained BTF blob from a real one: the first N types (references past them rewritten to
/// void, id 0) and the string section up to the last string they name, under a rewritten header. Small
/// enough for a fuzzer, real enough to reach the deep paths (members, bitfields, enums, prototypes).
/// </summary>
internal static class BtfSlice
{
    public static byte[] Cut(byte[] btf, int keep)
    {
        int hdrLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(4));
        int typeOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(8));
        int typeLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(12));
        int strOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(16));
        var types = btf.AsSpan(hdrLen + typeOff, typeLen).ToArray();
        var strings = btf.AsSpan(hdrLen + strOff);

        int pos = 0, kept = 0;
        uint maxName = 0;
        void Name(int at) => maxName = Math.Max(maxName, BinaryPrimitives.ReadUInt32LittleEndian(types.AsSpan(at)));
        void Ref(int at)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(types.AsSpan(at)) > (uint)keep)
                BinaryPrimitives.WriteUInt32LittleEndian(types.AsSpan(at), 0);
        }
        while (pos < types.Length && kept < keep)
        {
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(types.AsSpan(pos + 4));
            int kind = (int)((info >> 24) & 0x1f), vlen = (int)(info & 0xffff);
            Name(pos);
            int body = pos + 12;
            switch (kind)
            {
                case 1: pos = body + 4; break;
                case 3: Ref(body); Ref(body + 4); pos = body + 12; break;
                case 4 or 5:
                    for (int i = 0; i < vlen; i++) { Name(body + i * 12); Ref(body + i * 12 + 4); }
                    pos = body + 12 * vlen;
                    break;
                case 6: for (int i = 0; i < vlen; i++) Name(body + i * 8); pos = body + 8 * vlen; break;
                case 13:
                    Ref(pos + 8);
                    for (int i = 0; i < vlen; i++) { Name(body + i * 8); Ref(body + i * 8 + 4); }
                    pos = body + 8 * vlen;
                    break;
                case 14 or 17: Ref(pos + 8); pos = body + 4; break;
                case 15: for (int i = 0; i < vlen; i++) Ref(body + i * 12); pos = body + 12 * vlen; break;
                case 19: for (int i = 0; i < vlen; i++) Name(body + i * 12); pos = body + 12 * vlen; break;
                case 2 or 8 or 9 or 10 or 11 or 12 or 18: Ref(pos + 8); pos = body; break;
                default: pos = body; break;
            }
            kept++;
        }
        int stringEnd = strings[(int)maxName..].IndexOf((byte)0) + (int)maxName + 1;

        var result = new byte[24 + pos + stringEnd];
        btf.AsSpan(0, 4).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), (uint)pos);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(16), (uint)pos);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(20), (uint)stringEnd);
        types.AsSpan(0, pos).CopyTo(result.AsSpan(24));
        strings[..stringEnd].CopyTo(result.AsSpan(24 + pos));
        return result;
    }
}
