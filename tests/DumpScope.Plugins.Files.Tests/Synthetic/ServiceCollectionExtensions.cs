using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Files.Tests.Synthetic;

internal static class ServiceCollectionExtensions
{
    /// <summary>Registers the plugin's service as the plugin does.</summary>
    public static IServiceCollection AddSingletonFileAnalyzer(this IServiceCollection services)
    {
        new FilesPlugin().ConfigureServices(services);
        return services;
    }
}
