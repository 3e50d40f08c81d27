using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.TestPlugins.Clash;

/// <summary>A plugin that declares a verb another plugin has ("echo").</summary>
public sealed class ClashPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "clash";
    /// <inheritdoc/>
    public string Version => "0.1.0";
    /// <inheritdoc/>
    public string Description => "test plugin whose command name clashes";
    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}

/// <summary>Also "echo".</summary>
[Command("echo", Help = "the other echo", NeedsDump = false)]
public sealed class ClashEchoCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => CommandResult.FromText("clash echo");
}
