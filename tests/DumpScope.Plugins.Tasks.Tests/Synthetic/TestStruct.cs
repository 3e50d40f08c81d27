using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>A struct type built by a test, for layouts the fixture kernel's BTF does not have (older kernels).</summary>
internal sealed class TestStruct(string name, ulong size) : KernelType
{
    private readonly List<TypeMember> _members = [];

    public override TypeKind Kind => TypeKind.Struct;
    public override string Name => name;
    public override ulong Size => size;
    public override IReadOnlyList<TypeMember> Members => _members;

    public TestStruct Add(string member, KernelType type, ulong offset)
    {
        _members.Add(new TypeMember(member, type, offset * 8, 0));
        return this;
    }
}
