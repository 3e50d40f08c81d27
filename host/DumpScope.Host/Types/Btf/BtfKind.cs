namespace DumpScope.Host.Types.Btf;

/// <summary>The kind of a BTF type record (bits 24–28 of <c>btf_type.info</c>), numbered as in the kernel's uapi btf.h.</summary>
internal enum BtfKind
{
    /// <summary>Unknown; only type id 0 (void) is this.</summary>
    Unknown = 0,
    /// <summary>An integer: a trailing u32 holds encoding, bit offset and bit count.</summary>
    Int = 1,
    /// <summary>A pointer.</summary>
    Ptr = 2,
    /// <summary>An array: a trailing btf_array.</summary>
    Array = 3,
    /// <summary>A struct: vlen btf_member records.</summary>
    Struct = 4,
    /// <summary>A union: vlen btf_member records.</summary>
    Union = 5,
    /// <summary>An enum with 32-bit values: vlen btf_enum records.</summary>
    Enum = 6,
    /// <summary>A forward declaration; kind_flag set for a union.</summary>
    Fwd = 7,
    /// <summary>A typedef.</summary>
    Typedef = 8,
    /// <summary>volatile.</summary>
    Volatile = 9,
    /// <summary>const.</summary>
    Const = 10,
    /// <summary>restrict.</summary>
    Restrict = 11,
    /// <summary>A function: name and a FUNC_PROTO; vlen is the linkage.</summary>
    Func = 12,
    /// <summary>A function prototype: return type and vlen btf_param records.</summary>
    FuncProto = 13,
    /// <summary>A variable: a trailing btf_var.</summary>
    Var = 14,
    /// <summary>A data section: vlen btf_var_secinfo records.</summary>
    Datasec = 15,
    /// <summary>A floating-point type.</summary>
    Float = 16,
    /// <summary>A tag on a declaration: a trailing btf_decl_tag.</summary>
    DeclTag = 17,
    /// <summary>A tag on a type (__user, __rcu under clang).</summary>
    TypeTag = 18,
    /// <summary>An enum with 64-bit values: vlen btf_enum64 records.</summary>
    Enum64 = 19,
}
