using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Plugins.Memory.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Memory;

/// <summary>
/// The memory plugin's service: resolves the kernel when first used and keeps what is probed once per dump (the
/// struct page layout, the kernel log). Other plugins may take it from DI to reuse the page, log and task readers.
/// </summary>
public sealed class MemoryAnalyzer
{
    private readonly IServiceProvider _services;
    private readonly Lazy<PageInspector> _pages;
    private readonly Lazy<KernelLog> _log;

    /// <summary>Created by DI; the kernel is resolved when first used.</summary>
    public MemoryAnalyzer(IServiceProvider services)
    {
        _services = services;
        _pages = new Lazy<PageInspector>(() => new PageInspector(Kernel, PageLayout.Probe(Kernel)));
        _log = new Lazy<KernelLog>(() => KernelLogReader.Read(Kernel));
    }

    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => _services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The struct page reader (layout probed on first use).</summary>
    public PageInspector Pages => _pages.Value;

    /// <summary>The kernel log, read once.</summary>
    public KernelLog Log => _log.Value;

    /// <summary>kmem -i's rows.</summary>
    public MemoryInfo MemoryInfo(CancellationToken cancellation = default)
    {
        PageInspector? pages;
        try
        {
            pages = Pages;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            pages = null;
        }
        return MemoryInfoReader.Read(Kernel, pages is null ? null : pages.ScanMemMap, cancellation);
    }
}
