using DumpScope.Host.Expressions;

namespace DumpScope.Host.Types.Globals;

/// <summary>One global of the declared set: its name and the C types it has had, most recent first.</summary>
/// <param name="Name">The symbol.</param>
/// <param name="Alternatives">Its possible types; the first that fits the kernel (BTF and symbol size) is used.</param>
/// <param name="Line">Its line in the declaration file, for messages.</param>
public sealed record GlobalDeclaration(string Name, IReadOnlyList<GlobalAlternative> Alternatives, int Line);

/// <summary>One possible type of a declared global.</summary>
/// <param name="Type">The type as parsed ("atomic_long_t", "struct cpumask", "unsigned long [3]").</param>
/// <param name="Text">The type as written.</param>
public sealed record GlobalAlternative(TypeName Type, string Text);
