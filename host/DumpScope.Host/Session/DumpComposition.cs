using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>Opens the dump and its kernel (memory, symbols, types) and registers them as session services.</summary>
internal static class DumpComposition
{
    /// <summary>Registers IDumpSource, IKernel and friends for <paramref name="options"/>.DumpPath.</summary>
    public static void Compose(SessionOptions options, IServiceCollection services, List<string> notes, List<IDisposable> owned)
    {
        if (!File.Exists(options.DumpPath)) throw new Sdk.Commands.UsageException($"dump not found: {options.DumpPath}");
        throw new NotSupportedException($"{options.DumpPath}: this build cannot read dumps yet");
    }
}
