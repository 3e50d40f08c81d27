using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Tests.Fakes;

/// <summary>A struct type built in a test (for layouts the fixture kernel's BTF does not have).</summary>
public sealed class TestStruct(string name, ulong size, params TypeMember[] members) : KernelType
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Struct;
    /// <inheritdoc/>
    public override string Name => name;
    /// <inheritdoc/>
    public override ulong Size => size;
    /// <inheritdoc/>
    public override IReadOnlyList<TypeMember> Members => members;
}
