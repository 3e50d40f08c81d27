namespace DumpScope.Sdk.Commands;

/// <summary>
/// Where a row or field leads. A typed target names what it leads to (<see cref="Subject"/>: a task, an object
/// of a type at an address, a slab cache…) and the host fills <see cref="Command"/> with a loaded command that
/// can show it, or drops the target when no loaded plugin can; a plain target carries a command line, which the
/// host keeps only when its verb is loaded.
/// </summary>
public sealed record NavigationTarget
{
    /// <summary>A target that runs a command line ("log", "kmem -i").</summary>
    /// <param name="label">What the user sees ("kernel log").</param>
    /// <param name="command">The command line to run.</param>
    public NavigationTarget(string label, string command)
    {
        Label = label;
        Command = command;
    }

    /// <summary>A typed target: the host resolves it to a command of a loaded plugin.</summary>
    /// <param name="label">What the user sees ("struct task_struct", "objects").</param>
    /// <param name="subject">What it leads to.</param>
    public NavigationTarget(string label, TargetSubject subject)
    {
        Label = label;
        Subject = subject;
        Command = "";
    }

    /// <summary>What the user sees ("objects", "struct kmem_cache").</summary>
    public string Label { get; init; }

    /// <summary>The command line to run ("kmem -S kmalloc-64"); for a typed target, set by the host when it resolves it.</summary>
    public string Command { get; init; }

    /// <summary>What the target leads to, for typed targets; null for a plain command line.</summary>
    public TargetSubject? Subject { get; init; }
}

/// <summary>
/// What a typed navigation target leads to. Commands declare which subjects they show with
/// <see cref="ShowsAttribute"/>; when no loaded command shows a subject, its <see cref="Fallback"/> is tried.
/// </summary>
public abstract record TargetSubject
{
    /// <summary>A short stable name of the kind ("task", "object"), used in JSON.</summary>
    public abstract string Kind { get; }

    /// <summary>A more general subject to show when no loaded command shows this one, or null.</summary>
    public virtual TargetSubject? Fallback => null;
}

/// <summary>An object of a type at an address (<c>struct TYPE ADDR</c>).</summary>
/// <param name="Type">The type as the type catalog spells it ("task_struct", "struct page").</param>
/// <param name="Address">The object's kernel virtual address.</param>
public sealed record ObjectTarget(string Type, ulong Address) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "object";

    /// <inheritdoc/>
    public override TargetSubject? Fallback => new MemoryTarget(Address, 8);
}

/// <summary>A task (a struct task_struct).</summary>
/// <param name="Address">The task_struct's address.</param>
/// <param name="Pid">Its pid, when known.</param>
public sealed record TaskTarget(ulong Address, long? Pid = null) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "task";

    /// <inheritdoc/>
    public override TargetSubject? Fallback => new ObjectTarget("task_struct", Address);
}

/// <summary>A slab cache: its objects, or its struct kmem_cache.</summary>
/// <param name="Name">The cache's name, when readable.</param>
/// <param name="Address">The struct kmem_cache's address.</param>
public sealed record SlabCacheTarget(string? Name, ulong Address) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "slab_cache";

    /// <inheritdoc/>
    public override TargetSubject? Fallback => new ObjectTarget("kmem_cache", Address);
}

/// <summary>A kernel address to explain (which page, slab object or symbol holds it: crash's <c>kmem ADDR</c>).</summary>
/// <param name="Address">The kernel virtual address.</param>
public sealed record AddressTarget(ulong Address) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "address";

    /// <inheritdoc/>
    public override TargetSubject? Fallback => new MemoryTarget(Address, 8);
}

/// <summary>A struct page, by its address in the memory map.</summary>
/// <param name="Page">The struct page's address.</param>
public sealed record PageTarget(ulong Page) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "page";

    /// <inheritdoc/>
    public override TargetSubject? Fallback => new ObjectTarget("page", Page);
}

/// <summary>Memory as words (<c>rd</c>).</summary>
/// <param name="Address">The first address.</param>
/// <param name="Count">How many 64-bit words.</param>
public sealed record MemoryTarget(ulong Address, ulong Count = 1) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "memory";
}

/// <summary>A kernel symbol.</summary>
/// <param name="Name">The symbol's name.</param>
public sealed record SymbolTarget(string Name) : TargetSubject
{
    /// <inheritdoc/>
    public override string Kind => "symbol";
}

/// <summary>
/// Declares that a command shows a kind of <see cref="TargetSubject"/>: the host builds the command line from the
/// command's invocation ("kmem -S") and <see cref="Arguments"/>, a template whose <c>{Property}</c> holes are
/// the subject's properties (numbers as 0x-hex, text quoted when it has spaces). When a hole's property is null the
/// command cannot show that subject (a cache without a readable name has no <c>kmem -S NAME</c>) and the next
/// command, or the subject's fallback, is tried.
/// </summary>
/// <param name="subject">The subject type (e.g. <c>typeof(TaskTarget)</c>).</param>
/// <param name="arguments">The argument template ("{Address}", "{Type} {Address}").</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ShowsAttribute(Type subject, string arguments) : Attribute
{
    /// <summary>The subject type.</summary>
    public Type Subject { get; } = subject;

    /// <summary>The argument template.</summary>
    public string Arguments { get; } = arguments;
}
