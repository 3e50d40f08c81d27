namespace DumpScope.Sdk.Commands;

/// <summary>
/// Declares a command class. Several commands may share a <see cref="Name"/> when each has its own
/// <see cref="Selector"/> flag (crash's <c>kmem -s</c>, <c>kmem -i</c> live in different plugins); the one
/// without a selector handles the name when no selector flag is given.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CommandAttribute(string name) : Attribute
{
    /// <summary>The verb users type.</summary>
    public string Name { get; } = name;

    /// <summary>Other verbs for the same command.</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>One-line help.</summary>
    public string Help { get; init; } = "";

    /// <summary>A flag that selects this command among those sharing <see cref="Name"/> (e.g. "-s").</summary>
    public string? Selector { get; init; }

    /// <summary>True when the command reads the dump (it fails with "no dump is open" without one).</summary>
    public bool NeedsDump { get; init; } = true;
}

/// <summary>
/// Declares an option on a command property. Supported property types: bool (a flag), string, int, long,
/// ulong (decimal or 0x-hex), and enums.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class OptionAttribute(params string[] names) : Attribute
{
    /// <summary>Spellings, e.g. "-t", "--threads".</summary>
    public string[] Names { get; } = names;

    /// <summary>One-line help.</summary>
    public string Help { get; init; } = "";

    /// <summary>The smallest value a numeric option accepts (a usage error below it); no limit by default.</summary>
    public long Minimum { get; init; } = long.MinValue;

    /// <summary>The value's name in usage and errors ("COUNT"); defaults to the property name in upper case.</summary>
    public string? ValueName { get; init; }
}

/// <summary>
/// Declares a positional argument on a command property. A string[] property takes all remaining arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ArgumentAttribute(int position) : Attribute
{
    /// <summary>Position among the arguments, from 0.</summary>
    public int Position { get; } = position;

    /// <summary>Name shown in usage ("ADDR").</summary>
    public string Name { get; init; } = "ARG";

    /// <summary>One-line help.</summary>
    public string Help { get; init; } = "";

    /// <summary>True when the argument must be given.</summary>
    public bool Required { get; init; }

    /// <summary>The smallest value a numeric argument accepts (a usage error below it); no limit by default.</summary>
    public long Minimum { get; init; } = long.MinValue;
}
