using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Files;

/// <summary>Files and devices: files, fuser, mount, dev, dev -d, swap, ipcs.</summary>
public sealed class FilesPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "files";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "files and devices: files (open files per task), fuser, mount, dev (character and block devices, dev -d disk I/O), swap, ipcs";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<FileAnalyzer>();
}
