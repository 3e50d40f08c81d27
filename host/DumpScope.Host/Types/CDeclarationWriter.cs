namespace DumpScope.Host.Types;

/// <summary>
/// Writes a type's definition as C (like crash's <c>whatis</c> and pahole): members with their offsets and
/// sizes in comments, anonymous members nested, bitfields with their width, enums with their values.
/// </summary>
public static class CDeclarationWriter
{
    /// <summary>The definition of <paramref name="type"/> as lines of C.</summary>
    public static IReadOnlyList<string> Definition(KernelType type, int maxDepth = 8)
    {
        var lines = new List<string>();
        switch (type.Kind)
        {
            case TypeKind.Struct or TypeKind.Union:
                Aggregate(type, "", 0, 0, lines, maxDepth);
                lines[^1] += ";";
                lines.Add($"SIZE: {type.Size}");
                break;
            case TypeKind.Enum:
                lines.Add($"{TypeFormatter.Format(type)} {{");
                foreach (var e in type.Enumerators)
                {
                    string value = type.IsSigned ? e.Value.ToString(CultureInfo.InvariantCulture) : ((ulong)e.Value).ToString(CultureInfo.InvariantCulture);
                    lines.Add($"\t{e.Name} = {value},");
                }
                lines.Add("};");
                lines.Add($"SIZE: {type.Size}");
                break;
            case TypeKind.Typedef:
                lines.Add($"typedef {TypeFormatter.Declare(type.Target ?? VoidType.Instance, type.Name)};");
                lines.Add($"SIZE: {type.Size}");
                break;
            default:
                lines.Add(type.DisplayName);
                lines.Add($"SIZE: {type.Size}");
                break;
        }
        return lines;
    }

    private static void Aggregate(KernelType type, string indent, ulong baseBits, int depth, List<string> lines, int maxDepth)
    {
        lines.Add($"{indent}{TypeFormatter.Format(type).Replace(" {...}", "", StringComparison.Ordinal)} {{");
        foreach (var m in type.Members)
        {
            ulong bits = baseBits + m.BitOffset;
            var memberType = m.Type.Resolve();
            string comment;
            if (m.IsBitfield)
            {
                var (unitOffset, unitBit) = BitfieldUnit.Of(bits, memberType.Size);
                comment = $"/* {unitOffset,6}:{unitBit,2} {m.Type.Size,5} */";
            }
            else
            {
                comment = $"/* {bits / 8,6} {m.Type.Size,5} */";
            }
            if (m.Name.Length == 0 && memberType.Kind is TypeKind.Struct or TypeKind.Union && depth < maxDepth)
            {
                Aggregate(memberType, indent + "\t", bits, depth + 1, lines, maxDepth);
                lines[^1] += $";  {comment}";
                continue;
            }
            string declaration = TypeFormatter.Declare(m.Type, m.Name);
            if (m.IsBitfield) declaration += $":{m.BitSize}";
            lines.Add($"{indent}\t{declaration};  {comment}");
        }
        lines.Add($"{indent}}}");
    }
}
