using DumpScope.Host.Commands;
using DumpScope.Host.Plugins;
using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>
/// One opened investigation: the dump (if any) and its kernel, the selected plugins, their services and
/// commands. Runs command lines and turns every failure into a result, never into a crash.
/// </summary>
public sealed class DumpScopeSession : ICommandRunner, ICommandInvoker, IDisposable
{
    private int _disposed;

    private readonly ServiceProvider _provider;
    private readonly List<IDisposable> _owned;

    private DumpScopeSession(ServiceProvider provider, CommandRegistry registry, IReadOnlyList<LoadedPlugin> active,
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

    /// <summary>Plugins that could not be loaded or configured, and why.</summary>
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

    /// <summary>The session's services.</summary>
    public IServiceProvider Services => _provider;

    /// <inheritdoc/>
    public string? DumpPath => Options.DumpPath;

    /// <inheritdoc/>
    public IReadOnlyList<CommandDescriptor> Commands =>
        Registry.All.Select(c => new CommandDescriptor(c.Attribute.Name, c.Attribute.Selector, c.Attribute.Aliases, c.Attribute.Help, c.Plugin, c.Usage)).ToArray();

    /// <inheritdoc/>
    public IReadOnlyList<PluginDescriptor> Plugins =>
        ActivePlugins.Select(p => new PluginDescriptor(p.Name, p.Entry.Version, p.Entry.Description, p.SdkVersion.ToString(3),
            Registry.All.Where(c => c.Plugin == p.Name).Select(c => c.Invocation).ToArray())).ToArray();

    /// <summary>Opens a session. Throws <see cref="UsageException"/> for bad choices (unknown profile or plugin).</summary>
    public static DumpScopeSession Create(SessionOptions options)
    {
        var notes = new List<string>();
        var manifest = FindManifest(options);
        var directories = options.PluginDirectories.Select(Path.GetFullPath).ToList();
        if (manifest.FilePath is { } mf)
            directories.AddRange(manifest.PluginDirectories.Select(d => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(mf)!, d))));
        if (options.SearchDefaultPluginDirectory)
            directories.Add(Path.Combine(AppContext.BaseDirectory, "plugins"));

        var failures = new List<PluginLoadFailure>();
        var available = new List<LoadedPlugin>();
        var explicitFolders = new HashSet<string>(PluginLoader.Discover(options.PluginDirectories.Select(Path.GetFullPath)).Select(Path.GetDirectoryName)!, StringComparer.Ordinal);
        foreach (var path in PluginLoader.Discover(directories.Distinct()))
            Collect(PluginLoader.Load(path));
        foreach (var assembly in options.InProcessPlugins)
            Collect(PluginLoader.FromAssembly(assembly));

        void Collect((LoadedPlugin? Plugin, PluginLoadFailure? Failure) outcome)
        {
            if (outcome.Failure is not null) failures.Add(outcome.Failure);
            else if (available.Any(p => string.Equals(p.Name, outcome.Plugin!.Name, StringComparison.OrdinalIgnoreCase)))
                notes.Add($"plugin '{outcome.Plugin!.Name}' found again in {outcome.Plugin.Folder}; the first one found is used");
            else available.Add(outcome.Plugin!);
        }

        var selection = manifest.Select(options.Profile, options.Plugins);
        List<LoadedPlugin> active;
        if (selection is null) active = available.ToList();
        else
        {
            var unknown = selection.Where(n => !available.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))).ToArray();
            if (unknown.Length > 0)
            {
                var failedHint = failures.Count > 0 ? $" ({failures.Count} plugin(s) failed to load: 'plugins' shows why)" : "";
                var message = $"unknown plugin{(unknown.Length > 1 ? "s" : "")}: {string.Join(", ", unknown)}; available plugins: {(available.Count == 0 ? "(none found)" : string.Join(", ", available.Select(p => p.Name).Order()))}{failedHint}";
                if (options.Plugins is not null) throw new UsageException(message);
                notes.Add($"profile '{options.Profile ?? manifest.Default}': {message}");
            }
            active = selection.Select(n => available.FirstOrDefault(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
                .OfType<LoadedPlugin>().Distinct().ToList();
            // Plugins from a folder the user named with --plugin-dir join the profile: asking for the folder is asking for them.
            if (options.Plugins is null)
                active.AddRange(available.Where(p => p.Folder is not null && explicitFolders.Contains(p.Folder) && !active.Contains(p)));
        }

        var owned = new List<IDisposable>();
        var services = new ServiceCollection();
        string? kernelProblem = null;
        if (options.DumpPath is not null)
            kernelProblem = DumpComposition.Compose(options, services, notes, owned);
        if (!services.Any(d => d.ServiceType == typeof(IRuntimeSizeRegistry)))
            services.AddSingleton<IRuntimeSizeRegistry, RuntimeSizeRegistry>();

        var registry = new CommandRegistry();
        foreach (var type in PluginLoader.CommandTypes(typeof(DumpScopeSession).Assembly))
            registry.Add(type, "host");

        var configured = new List<LoadedPlugin>();
        foreach (var plugin in active)
        {
            var staged = new ServiceCollection();
            try
            {
                plugin.Entry.ConfigureServices(staged);
                foreach (var type in PluginLoader.CommandTypes(plugin.Assembly))
                    registry.Add(type, plugin.Name);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(new PluginLoadFailure(plugin.Folder ?? plugin.Assembly.Location, $"plugin '{plugin.Name}' failed in ConfigureServices: {e.GetType().Name}: {e.Message}"));
                continue;
            }
            foreach (var descriptor in staged) ((ICollection<ServiceDescriptor>)services).Add(descriptor);
            configured.Add(plugin);
        }
        notes.AddRange(registry.Warnings);

        DumpScopeSession? session = null;
        services.AddSingleton(_ => session!);
        services.AddSingleton<ICommandRunner>(_ => session!);
        services.AddSingleton<ICommandInvoker>(_ => session!);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        if (provider.GetService<IKernel>() is { } kernel)
            foreach (var initializer in provider.GetServices<IKernelInitializer>())
            {
                try
                {
                    initializer.Initialize(kernel);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    notes.Add($"{initializer.GetType().Name} failed to initialise: {e.Message}");
                }
            }
        session = new DumpScopeSession(provider, registry, configured, available, failures, manifest,
            options.Plugins is null ? options.Profile ?? manifest.Default : null, options, notes, owned) { KernelProblem = kernelProblem };
        return session;
    }

    /// <inheritdoc/>
    public CommandResult Run(string commandLine, CancellationToken cancellation = default, IProgress<CommandProgress>? progress = null)
    {
        RegisteredCommand? command = null;
        try
        {
            var words = CommandLineSplitter.Split(commandLine);
            if (words.Count == 0) return new CommandResult();
            (command, var arguments) = Registry.Resolve(words);
            if (command.Attribute.NeedsDump && _provider.GetService<IDumpSource>() is null)
                return CommandResult.Fail($"{command.Invocation}: no dump is open");
            var instance = (ICommand)ActivatorUtilities.CreateInstance(_provider, command.Type);
            CommandBinder.Bind(command, instance, arguments);
            cancellation.ThrowIfCancellationRequested();
            var result = instance.Execute(new CommandContext(_provider, commandLine, cancellation, progress));
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

    /// <inheritdoc/>
    public CommandResult Invoke(string commandLine, CancellationToken cancellation = default) => Run(commandLine, cancellation);

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
        // The provider hands the session out through factories (ICommandRunner, ICommandInvoker), so disposing
        // the provider disposes the session again: only the first call may release the dump.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _provider.Dispose();
        foreach (var d in _owned) d.Dispose();
    }

    private static PluginManifest FindManifest(SessionOptions options)
    {
        if (options.ManifestPath is not null)
        {
            if (!File.Exists(options.ManifestPath)) throw new UsageException($"plugins manifest not found: {options.ManifestPath}");
            return PluginManifest.Load(options.ManifestPath);
        }
        var beside = Path.Combine(AppContext.BaseDirectory, "plugins.json");
        return File.Exists(beside) ? PluginManifest.Load(beside) : PluginManifest.Empty;
    }
}
