namespace DumpScope.Testing.Types;

/// <summary>The ids <see cref="BtfBuilder.KernelBasics"/> gave the basic types.</summary>
/// <param name="U32">unsigned int.</param>
/// <param name="U64">long unsigned int.</param>
/// <param name="Char">char.</param>
/// <param name="CharPtr">char *.</param>
/// <param name="VoidPtr">void *.</param>
/// <param name="ListHead">struct list_head.</param>
public readonly record struct KernelBasicTypes(int U32, int U64, int Char, int CharPtr, int VoidPtr, int ListHead);
