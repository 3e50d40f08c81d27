using DumpScope.Host.Types;
using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>whatis</c>: the definition of a type (kind, size, C spelling, members), of a member
/// (<c>TYPE.member</c>: its offset and type), or the type of a symbol when the type source knows it.
/// </summary>
[Command("whatis", Help = "Show a type's definition, a member's offset and type, or a symbol's type",
    Examples = ["whatis task_struct  the definition", "whatis struct page  the same with the keyword", "whatis task_struct.comm  a member's offset and type", "whatis jiffies  a symbol's type"], SeeAlso = ["struct", "p", "sym"])]
public sealed class WhatisCommand : ICommand
{
    /// <summary>A type, TYPE.member, or a symbol.</summary>
    [Argument(0, Name = "NAME", Required = true, Help = "type (kmem_cache, struct page, u64), TYPE.member, or symbol")]
    public string[] Words { get; set; } = [];

    /// <summary>The name as one string ("struct page" may come as one word or two).</summary>
    public string Name
    {
        get => string.Join(' ', Words);
        set => Words = [value];
    }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var types = kernel.Types;
        var name = Name.Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).Trim();
        if (name.Length == 0) throw new UsageException("whatis needs a name");

        int dot = name.IndexOf('.');
        if (dot > 0 && types.TryParse(name[..dot]) is { } owner)
            return Member(owner, name[(dot + 1)..].Trim());

        if (types.TryParse(name) is { } type)
            return TypeDefinition(types, name, type);

        var variable = types.FindVariableType(name);
        bool hasSymbol = kernel.Symbols.TryGetAddress(name, out ulong address);
        var function = variable is null && types is BtfTypeCatalog btf ? btf.FindFunctionType(name) : null;
        if (variable is null && function is null && !hasSymbol)
            throw new UsageException($"'{name}' is neither a type known to {types.Source} nor a symbol in {kernel.Symbols.Source}");

        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = name });
        record.Add("SYMBOL", Cell.Text(name));
        record.Add("ADDRESS", hasSymbol ? Cell.Address(address) : Cell.NotAvailable($"not in {kernel.Symbols.Source}", CellKind.Address));
        var known = variable ?? function;
        if (known is not null)
        {
            record.Add("KIND", Cell.Enum(variable is not null ? "variable" : "function"));
            record.Add("TYPE", Cell.Text(known.DisplayName));
            if (variable is not null) record.Add("SIZE", Cell.Size(variable.Size));
            result.Add(new TextBlock([TypeFormatter.Declare(known, name) + ";"]));
            if (variable is not null && variable.Resolve() is { Kind: TypeKind.Struct or TypeKind.Union, Name.Length: > 0 } aggregate)
                record.Targets.Add(new NavigationTarget(aggregate.DisplayName, $"whatis \"{aggregate.DisplayName}\""));
        }
        else
        {
            record.Add("TYPE", Cell.NotAvailable(types is BtfTypeCatalog
                ? $"{types.Source} has no type for this symbol (BTF describes only per-cpu variables and functions; --vmlinux with DWARF describes every global); state the type with struct TYPE {name}"
                : $"{types.Source} has no type for this symbol (not a variable it declares); state the type with struct TYPE {name}"));
        }
        return result;
    }

    private static CommandResult TypeDefinition(ITypeCatalog types, string name, KernelType type)
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = type.DisplayName });
        record.Add("NAME", Cell.Text(type.DisplayName));
        record.Add("KIND", Cell.Enum(type.Kind.ToString().ToLowerInvariant()));
        record.Add("SIZE", Cell.Size(type.Size));
        if (type.Kind is TypeKind.Typedef or TypeKind.Const or TypeKind.Volatile && type.Resolve() is var resolved && !ReferenceEquals(resolved, type))
            record.Add("RESOLVES TO", Cell.Text(resolved.DisplayName));
        var body = type.Resolve();
        if (body.Kind is TypeKind.Struct or TypeKind.Union) record.Add("MEMBERS", Cell.UInt((ulong)body.Members.Count));
        if (body.Kind == TypeKind.Enum) record.Add("ENUMERATORS", Cell.UInt((ulong)body.Enumerators.Count));
        if (body.Kind == TypeKind.Forward) record.Add("NOTE", Cell.Text("declared only: the type source has no definition"));

        var lines = new List<string>(CDeclarationWriter.Definition(type));
        if (type.Kind == TypeKind.Typedef && body.Kind is TypeKind.Struct or TypeKind.Union or TypeKind.Enum && body.Name.Length == 0)
            lines.InsertRange(0, CDeclarationWriter.Definition(body).SkipLast(1));
        result.Add(new TextBlock(lines) { Title = "definition" });

        // Only rivals of the same kind count: a typedef and a struct may share a name legitimately.
        if (types is BtfTypeCatalog btf && btf.FindTypes(name).Count(t => t.Kind == type.Kind) is > 1 and var count)
            result.Warnings.Add($"{count} types are named '{name}' in {types.Source}; this is the first complete definition");
        return result;
    }

    private static CommandResult Member(KernelType owner, string path)
    {
        if (!owner.Resolve().TryFindMember(path, out var location))
            throw new UsageException($"{owner.DisplayName} has no member '{path}'");
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = $"{owner.DisplayName}.{path}" });
        record.Add("MEMBER", Cell.Text($"{owner.DisplayName}.{path}"));
        record.Add("TYPE", Cell.Text(location.Type.DisplayName));
        record.Add("OFFSET", Cell.UInt(location.Offset));
        if (location.BitSize != 0)
        {
            record.Add("BIT OFFSET", Cell.UInt(location.BitOffset));
            record.Add("BITS", Cell.UInt(location.BitSize));
        }
        record.Add("SIZE", Cell.Size(location.Type.Size));
        result.Add(new TextBlock([TypeFormatter.Declare(location.Type, path) + (location.BitSize != 0 ? $":{location.BitSize}" : "") + ";"]));
        return result;
    }
}
