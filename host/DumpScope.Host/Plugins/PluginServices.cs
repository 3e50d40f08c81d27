using DumpScope.Host.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Plugins;

/// <summary>
/// One active plugin's services: its own service provider, built the first time the plugin is needed (one of its
/// commands runs, or the session is asked for a service type it registers), from its ConfigureServices and the
/// host's services as instances (so the plugin's singletons resolve the host's dump, kernel and session, and the
/// provider never disposes what the host owns). A plugin known from its index is loaded then too.
/// </summary>
public sealed class PluginServices : IDisposable
{
    private readonly Lock _lock = new();
    private ServiceCollection? _staged;
    private ServiceProvider? _provider;
    private string? _failure;
    private readonly HashSet<string> _declared;

    /// <summary>A plugin loaded at open, whose ConfigureServices already ran into <paramref name="staged"/>.</summary>
    internal PluginServices(LoadedPlugin plugin, ServiceCollection staged)
    {
        Plugin = plugin;
        _staged = staged;
        _declared = new HashSet<string>(staged.Select(d => d.ServiceType.FullName ?? d.ServiceType.Name), StringComparer.Ordinal);
    }

    /// <summary>A plugin known from its index: nothing of it is loaded yet.</summary>
    internal PluginServices(LoadedPlugin plugin)
    {
        Plugin = plugin;
        _declared = new HashSet<string>(plugin.Index!.Services, StringComparer.Ordinal);
    }

    /// <summary>The plugin.</summary>
    public LoadedPlugin Plugin { get; }

    /// <summary>True when the plugin registers a service of this type (known without loading it).</summary>
    public bool Declares(Type serviceType) => _declared.Contains(serviceType.FullName ?? serviceType.Name);

    /// <summary>True once the provider is built.</summary>
    public bool IsBuilt
    {
        get
        {
            lock (_lock) return _provider is not null;
        }
    }

    /// <summary>
    /// The plugin's provider, loading and configuring the plugin first if needed. Throws
    /// <see cref="PluginLoadException"/> when the plugin cannot be loaded or configured (the same every time).
    /// </summary>
    internal ServiceProvider Provider(SessionServices session)
    {
        lock (_lock)
        {
            if (_provider is not null) return _provider;
            if (_failure is not null) throw new PluginLoadException(_failure);
            try
            {
                if (_staged is null)
                {
                    var (entry, assembly) = Plugin.EnsureLoaded();
                    var staged = new ServiceCollection();
                    entry.ConfigureServices(staged);
                    var types = PluginLoader.CommandTypes(assembly).ToDictionary(t => t.FullName ?? t.Name, StringComparer.Ordinal);
                    foreach (var command in session.Registry.All.Where(c => c.Plugin == Plugin.Name && c.Type is null))
                        command.Attach(types.TryGetValue(command.TypeName, out var type) ? type
                            : throw new PluginLoadException($"its index lists command {command.TypeName}, which the assembly does not have"));
                    _staged = staged;
                }
                var services = new ServiceCollection();
                foreach (var type in session.HostServiceTypes)
                    foreach (var instance in session.Root.GetServices(type))
                        if (instance is not null) services.AddSingleton(type, instance);
                foreach (var descriptor in _staged) ((ICollection<ServiceDescriptor>)services).Add(descriptor);
                _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
                return _provider;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _failure = e is PluginLoadException ? $"plugin '{Plugin.Name}' could not be loaded: {e.Message}" : $"plugin '{Plugin.Name}' failed in ConfigureServices: {e.GetType().Name}: {e.Message}";
                session.AddFailure(new PluginLoadFailure(Plugin.Source, _failure));
                throw new PluginLoadException(_failure);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) _provider?.Dispose();
    }
}
