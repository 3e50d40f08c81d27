using DumpScope.Host.Commands;
using DumpScope.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>
/// Opens a <see cref="DumpScopeSession"/> in named steps, each using what the previous ones found:
/// <see cref="FindManifest"/>, <see cref="FindPlugins"/>, <see cref="SelectPlugins"/>, <see cref="OpenDump"/>,
/// <see cref="RegisterCommands"/>, <see cref="BuildServices"/>, <see cref="InitializeKernel"/>.
/// <see cref="Open"/> runs them in that order; a builder opens one session.
/// </summary>
public sealed class SessionBuilder(SessionOptions options)
{
    private readonly List<string> _notes = [];
    private readonly List<IDisposable> _owned = [];
    private readonly List<PluginLoadFailure> _failures = [];
    private readonly List<LoadedPlugin> _available = [];
    private readonly List<LoadedPlugin> _configured = [];
    private readonly ServiceCollection _services = new();
    private readonly CommandRegistry _registry = new();
    private PluginManifest _manifest = PluginManifest.Empty;
    private HashSet<string> _explicitFolders = [];
    private List<LoadedPlugin> _active = [];
    private string? _kernelProblem;
    private DumpScopeSession? _session;
    private readonly List<PluginServices> _pluginServices = [];
    private SessionServices? _sessionServices;

    /// <summary>Runs every step and returns the session. Throws <see cref="UsageException"/> for bad choices.</summary>
    public DumpScopeSession Open()
    {
        if (_session is not null) throw new InvalidOperationException("this builder already opened its session");
        FindManifest();
        FindPlugins();
        SelectPlugins();
        OpenDump();
        RegisterCommands();
        BuildServices();
        InitializeKernel();
        return _session!;
    }

    /// <summary>
    /// The plugins.json named by the options, else the user's (<see cref="UserDirectories.Config"/>/plugins.json), else the one
    /// beside the executable, else none. The user's file replaces the shipped one rather than merging with it, so
    /// what `plugins` shows is exactly one file.
    /// </summary>
    private void FindManifest()
    {
        if (options.ManifestPath is not null)
        {
            if (!File.Exists(options.ManifestPath)) throw new UsageException($"plugins manifest not found: {options.ManifestPath}");
            _manifest = PluginManifest.Load(options.ManifestPath);
            return;
        }
        IEnumerable<string> candidates = [Path.Combine(AppContext.BaseDirectory, "plugins.json")];
        if (options.SearchDefaultPluginDirectory) candidates = candidates.Prepend(Path.Combine(UserConfig, "plugins.json"));
        if (candidates.FirstOrDefault(File.Exists) is { } found) _manifest = PluginManifest.Load(found);
    }

    /// <summary>
    /// Loads every plugin of the --plugin-dir folders, the manifest's folders, the user's plugin folder
    /// (<see cref="UserDirectories.Config"/>/plugins) and the folder beside the executable (in that order), then the
    /// in-process assemblies. A name found twice keeps the first.
    /// </summary>
    private void FindPlugins()
    {
        var directories = options.PluginDirectories.Select(Path.GetFullPath).ToList();
        if (_manifest.FilePath is { } mf)
            directories.AddRange(_manifest.PluginDirectories.Select(d => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(mf)!, d))));
        if (options.SearchDefaultPluginDirectory)
        {
            directories.Add(Path.Combine(UserConfig, "plugins"));
            directories.Add(Path.Combine(AppContext.BaseDirectory, "plugins"));
        }

        _explicitFolders = new HashSet<string>(PluginLoader.Discover(options.PluginDirectories.Select(Path.GetFullPath)).Select(Path.GetDirectoryName)!, StringComparer.Ordinal);
        // A plugin with a current index is registered from it and loaded when first needed; one without is loaded now.
        foreach (var path in PluginLoader.Discover(directories.Distinct()))
            Collect(options.LoadPluginsLazily && PluginLoader.FromIndex(path) is var indexed && (indexed.Plugin ?? (object?)indexed.Failure) is not null
                ? indexed : PluginLoader.Load(path));
        foreach (var assembly in options.InProcessPlugins)
            Collect(PluginLoader.FromAssembly(assembly));
    }

    private string UserConfig => options.UserConfigDirectory ?? UserDirectories.Config;

    private void Collect((LoadedPlugin? Plugin, PluginLoadFailure? Failure) outcome)
    {
        if (outcome.Failure is not null) _failures.Add(outcome.Failure);
        else if (_available.Any(p => string.Equals(p.Name, outcome.Plugin!.Name, StringComparison.OrdinalIgnoreCase)))
            _notes.Add($"plugin '{outcome.Plugin!.Name}' found again in {outcome.Plugin.Folder}; the first one found is used");
        else _available.Add(outcome.Plugin!);
    }

    /// <summary>
    /// The active plugins: the explicit list (an unknown name is a usage error), else the profile (an unknown
    /// name is a note) plus every plugin of a --plugin-dir folder, else all.
    /// </summary>
    private void SelectPlugins()
    {
        var selection = _manifest.Select(options.Profile, options.Plugins);
        if (selection is null)
        {
            _active = [.. _available];
            return;
        }
        var unknown = selection.Where(n => !_available.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (unknown.Length > 0)
        {
            var failedHint = _failures.Count > 0 ? $" ({_failures.Count} plugin(s) failed to load: 'plugins' shows why)" : "";
            var message = $"unknown plugin{(unknown.Length > 1 ? "s" : "")}: {string.Join(", ", unknown)}; available plugins: {(_available.Count == 0 ? "(none found)" : string.Join(", ", _available.Select(p => p.Name).Order()))}{failedHint}";
            if (options.Plugins is not null) throw new UsageException(message);
            _notes.Add($"profile '{options.Profile ?? _manifest.Default}': {message}");
        }
        _active = selection.Select(n => _available.FirstOrDefault(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
            .OfType<LoadedPlugin>().Distinct().ToList();
        // Plugins from a folder the user named with --plugin-dir join the profile: asking for the folder is asking for them.
        if (options.Plugins is null)
            _active.AddRange(_available.Where(p => p.Folder is not null && _explicitFolders.Contains(p.Folder) && !_active.Contains(p)));
    }

    /// <summary>The dump and its kernel as services (<see cref="DumpComposition"/>); a session without a dump gets an empty runtime-size registry.</summary>
    private void OpenDump()
    {
        if (options.DumpPath is not null)
            _kernelProblem = DumpComposition.Compose(options, _services, _notes, _owned);
        if (!_services.Any(d => d.ServiceType == typeof(IRuntimeSizeRegistry)))
            _services.AddSingleton<IRuntimeSizeRegistry, RuntimeSizeRegistry>();
    }

    /// <summary>The host's commands, then each active plugin's services and commands; a plugin that throws is a failure, the rest go on.</summary>
    private void RegisterCommands()
    {
        foreach (var type in PluginLoader.CommandTypes(typeof(DumpScopeSession).Assembly))
            _registry.Add(type, "host");
        foreach (var plugin in _active)
        {
            if (plugin.Index is { } index)
            {
                // Known from its index: its commands now, its assembly and services when first needed.
                foreach (var entry in index.Commands) _registry.Add(new RegisteredCommand(entry, plugin.Name));
                _pluginServices.Add(new PluginServices(plugin));
                _configured.Add(plugin);
                continue;
            }
            var staged = new ServiceCollection();
            var commands = new List<RegisteredCommand>();
            try
            {
                plugin.Entry.ConfigureServices(staged);
                commands.AddRange(PluginLoader.CommandTypes(plugin.Assembly).Select(type => new RegisteredCommand(type, plugin.Name)));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _failures.Add(new PluginLoadFailure(plugin.Source, $"plugin '{plugin.Name}' failed in ConfigureServices: {e.GetType().Name}: {e.Message}"));
                continue;
            }
            foreach (var command in commands) _registry.Add(command);
            _pluginServices.Add(new PluginServices(plugin, staged));
            _configured.Add(plugin);
        }
        _notes.AddRange(_registry.Warnings);
        // Verbs of plugins found but not loaded: asking for one says which plugin has it and how to load it.
        foreach (var plugin in _available.Where(p => !_configured.Contains(p)))
        {
            if (plugin.Index is { } index)
                foreach (var entry in index.Commands) _registry.AddUnloaded(entry.Attribute, plugin.Name);
            else
                foreach (var type in PluginLoader.CommandTypes(plugin.Assembly)) _registry.AddUnloaded(type, plugin.Name);
        }
        _registry.Selection = options.Plugins is null ? $"profile {options.Profile ?? _manifest.Default}" : $"--plugins {string.Join(',', options.Plugins)}";
    }

    /// <summary>The service provider (validated on build) and the session it hands out as itself and as <see cref="ICommandRunner"/>.</summary>
    private void BuildServices()
    {
        // What `set` chose; task commands run without a PID or task read it (CommandContext.CurrentTask).
        if (!_services.Any(d => d.ServiceType == typeof(ICurrentContext)))
            _services.AddSingleton<ICurrentContext, CurrentContext>();
        _services.AddSingleton(_ => _session!);
        _services.AddSingleton<ICommandRunner>(_ => _session!);
        // Commands that compare (diff) open a second dump through the host, with this session's options.
        _services.AddSingleton<IOtherDumps>(_ => new OtherDumps(options, _sessionServices!));
        var root = _services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _sessionServices = new SessionServices(root, _services.Select(d => d.ServiceType), _pluginServices, _registry, _failures);
        _session = DumpScopeSession.Assemble(_sessionServices, _registry, _configured, _available, _failures, _manifest,
            options.Plugins is null ? options.Profile ?? _manifest.Default : null, options, _notes, _owned, _kernelProblem);
    }

    /// <summary>Runs every <see cref="IKernelInitializer"/> on the kernel; one that fails is a note.</summary>
    private void InitializeKernel()
    {
        var provider = _sessionServices!;
        if (provider.GetService<IKernel>() is not { } kernel) return;
        foreach (var initializer in provider.GetServices<IKernelInitializer>())
        {
            try
            {
                initializer.Initialize(kernel);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _notes.Add($"{initializer.GetType().Name} failed to initialise: {e.Message}");
            }
        }
    }
}
