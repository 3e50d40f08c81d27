namespace DumpScope.Sdk.Types;

/// <summary>Formats types the way C spells them.</summary>
public static class TypeFormatter
{
    /// <summary>"struct kmem_cache", "char *", "struct kmem_cache_node *[1024]", "void (*)(void)"-like.</summary>
    public static string Format(KernelType type) => Format(type, "", 0);

    /// <summary>A C declaration of <paramref name="name"/>: "struct kmem_cache_node *node[1024]", "void (*ctor)(void *)".</summary>
    public static string Declare(KernelType type, string name) => Format(type, name, 0);

    private static string Format(KernelType type, string declarator, int depth)
    {
        if (depth > 32) return "…" + declarator;
        string Join(string head) => declarator.Length == 0 ? head : $"{head} {declarator}";
        switch (type.Kind)
        {
            case TypeKind.Struct: return Join(type.Name.Length > 0 ? $"struct {type.Name}" : "struct {...}");
            case TypeKind.Union: return Join(type.Name.Length > 0 ? $"union {type.Name}" : "union {...}");
            case TypeKind.Enum: return Join(type.Name.Length > 0 ? $"enum {type.Name}" : "enum {...}");
            case TypeKind.Forward: return Join($"{type.DeclaredKind.ToString().ToLowerInvariant()} {type.Name}");
            case TypeKind.Pointer:
                {
                    var inner = type.Target is { Kind: TypeKind.Array or TypeKind.Function } ? $"(*{declarator})" : $"*{declarator}";
                    return Format(type.Target ?? VoidType.Instance, inner, depth + 1);
                }
            case TypeKind.Array:
                return Format(type.Target ?? VoidType.Instance, $"{declarator}[{type.ArrayLength}]", depth + 1);
            case TypeKind.Const:
                return type.Target?.Kind == TypeKind.Pointer
                    ? Format(type.Target, declarator.Length == 0 ? "const" : "const " + declarator, depth + 1)
                    : "const " + Format(type.Target ?? VoidType.Instance, declarator, depth + 1);
            case TypeKind.Volatile: return "volatile " + Format(type.Target ?? VoidType.Instance, declarator, depth + 1);
            case TypeKind.Restrict: return Format(type.Target ?? VoidType.Instance, declarator, depth + 1);
            case TypeKind.Function:
                {
                    var args = string.Join(", ", type.Parameters.Select(p => Format(p, "", depth + 1)));
                    return Format(type.Target ?? VoidType.Instance, $"{declarator}({(args.Length == 0 ? "void" : args)})", depth + 1);
                }
            default: return Join(type.Name.Length > 0 ? type.Name : type.Kind.ToString().ToLowerInvariant());
        }
    }
}
