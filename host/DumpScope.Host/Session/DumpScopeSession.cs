using DumpScope.Host.Commands;
using DumpScope.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>
/// One opened investigation: the dump (if any) and its kernel, the selected plugins, their services and
/// commands. Runs command lines and turns every failure into a result, never into a crash.
/// </summary>
public sealed class DumpScopeSession : ICommandRunner, IDisposable
{
    private int _disposed;

    private readonly SessionServices _provider;
    private readonly List<IDisposable> _owned;

    private DumpScopeSession(SessionServices provider, CommandRegistry registry, IReadOnlyList<LoadedPlugin> active,
        IReadOnlyList<LoadedPlugin> available, IReadOnlyList<PluginLoadFailure> failures, PluginManifest manifest,
        string? profile, SessionOptions options, List<string> notes, List<IDisposable> owned)
    {
        _provider = provider;
        Registry = registry;
        ActivePlugins = active;
        AvailablePlugins = available;
        Failures = failures;
        Manifest = manifest;
        Profile = profile;
        Options = options;
        Notes = notes;
        _owned = owned;
    }

    /// <summary>The command registry.</summary>
    public CommandRegistry Registry { get; }

    /// <summary>Plugins whose services and commands are active.</summary>
    public IReadOnlyList<LoadedPlugin> ActivePlugins { get; }

    /// <summary>Every plugin found and loaded (active or not).</summary>
    public IReadOnlyList<LoadedPlugin> AvailablePlugins { get; }

    /// <summary>Plugins that could not be loaded or configured, and why (a plugin known from its index and failing when first needed joins them then).</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    /// <summary>The plugins.json in use.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>The selected profile name, or null when an explicit list was given.</summary>
    public string? Profile { get; }

    /// <summary>The options the session was opened with.</summary>
    public SessionOptions Options { get; }

    /// <summary>Things the user should know about how the session was opened (fallbacks, skipped plugins).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Why the kernel could not be read from the open dump, or null.</summary>
    public string? KernelProblem { get; private init; }

    /// <summary>The session's services (the host's and the active plugins', each plugin's loaded when first asked for).</summary>
    public IServiceProvider Services => _provider;

    /// <summary>The session's services with each plugin's own provider.</summary>
    public SessionServices PluginServices => _provider;

    /// <inheritdoc/>
    public string? DumpPath => Options.DumpPath;

    /// <inheritdoc/>
    public IReadOnlyList<CommandDescriptor> Commands =>
        Registry.All.Select(c => new CommandDescriptor(c.Attribute.Name, c.Attribute.Selector, c.Attribute.Aliases, c.Attribute.Help, c.Plugin, c.Usage)).ToArray();

    /// <inheritdoc/>
    public IReadOnlyList<PluginDescriptor> Plugins =>
        ActivePlugins.Select(p => new PluginDescriptor(p.Name, p.Version, p.Description, p.SdkVersion.ToString(3),
            Registry.All.Where(c => c.Plugin == p.Name).Select(c => c.Invocation).ToArray())).ToArray();

    /// <summary>
    /// Opens a session (<see cref="SessionBuilder"/> runs each step in order). Throws <see cref="UsageException"/>
    /// for bad choices (unknown profile or plugin, missing files).
    /// </summary>
    public static DumpScopeSession Create(SessionOptions options) => new SessionBuilder(options).Open();

    /// <summary>The session over what <see cref="SessionBuilder"/> assembled.</summary>
    internal static DumpScopeSession Assemble(SessionServices provider, CommandRegistry registry, IReadOnlyList<LoadedPlugin> active,
        IReadOnlyList<LoadedPlugin> available, IReadOnlyList<PluginLoadFailure> failures, PluginManifest manifest,
        string? profile, SessionOptions options, List<string> notes, List<IDisposable> owned, string? kernelProblem) =>
        new(provider, registry, active, available, failures, manifest, profile, options, notes, owned) { KernelProblem = kernelProblem };

    /// <inheritdoc/>
    public CommandResult Run(string commandLine, CancellationToken cancellation = default, IProgress<CommandProgress>? progress = null)
    {
        RegisteredCommand? command = null;
        try
        {
            var words = CommandLineSplitter.Split(commandLine);
            if (words.Count == 0) return new CommandResult();
            if (TypeAsCommand(words) is { } verb)
            {
                commandLine = verb + " " + commandLine.TrimStart().TrimStart('*');
                words = CommandLineSplitter.Split(commandLine);
            }
            (command, var arguments) = Registry.Resolve(words);
            if (command.Attribute.NeedsDump && _provider.GetService<IDumpSource>() is null)
                return CommandResult.Fail($"{command.Invocation}: no dump is open");
            IServiceProvider services;
            try
            {
                services = _provider.ForCommand(command);
            }
            catch (PluginLoadException e)
            {
                return CommandResult.Fail($"{command.Invocation}: {e.Message}");
            }
            var instance = (ICommand)ActivatorUtilities.CreateInstance(services, command.Type!);
            CommandBinder.Bind(command, instance, arguments);
            cancellation.ThrowIfCancellationRequested();
            var result = instance.Execute(new CommandContext(services, commandLine, cancellation, progress));
            new TargetResolver(Registry).ResolveAll(result);
            return result;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (e is NoDumpException && KernelProblem is not null)
                return CommandResult.Fail($"{command?.Invocation}: the kernel could not be read from this dump: {KernelProblem}");
            return CommandResult.Fail(Describe(command, e));
        }
    }

    /// <summary>
    /// crash's shortcut: a line starting with a struct or union name ("task_struct ADDR", "*page ADDR"; the '*'
    /// forces it when the name is also a command) is that struct command. Returns "struct" or "union", or null.
    /// </summary>
    private string? TypeAsCommand(IReadOnlyList<string> words)
    {
        var first = words[0];
        bool forced = first.StartsWith('*');
        var name = first.TrimStart('*');
        if ((!forced && Registry.IsVerb(first)) || name.Length == 0 || _provider.GetService<IKernel>() is not { } kernel) return null;
        int dot = name.IndexOf('.');
        var type = dot < 0 ? name : name[..dot];
        if (type.Length == 0) return null;
        if (kernel.Types.FindType("struct " + type) is not null) return "struct";
        return kernel.Types.FindType("union " + type) is not null ? "union" : null;
    }

    /// <summary>The message for an exception escaping a command: user errors plainly, bugs with their stack.</summary>
    public static string Describe(RegisteredCommand? command, Exception e)
    {
        var prefix = command is null ? "" : command.Invocation + ": ";
        return e switch
        {
            UsageException u => u.Message,
            NoDumpException => prefix + (e.Message),
            OperationCanceledException => prefix + "cancelled",
            MemoryFaultException m => prefix + m.Fault.Message,
            TypeNotFoundException t => prefix + "unsupported kernel layout: " + t.Message,
            InvalidDataException d => prefix + "corrupt data: " + d.Message,
            NotSupportedException n => prefix + "not supported: " + n.Message,
            _ => $"{prefix}internal error (a bug): {e.GetType().FullName}: {e.Message}\n{e.StackTrace}",
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The provider hands the session out through factories (the session itself, ICommandRunner), so disposing
        // the provider disposes the session again: only the first call may release the dump.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _provider.Dispose();
        foreach (var d in _owned) d.Dispose();
    }
}
