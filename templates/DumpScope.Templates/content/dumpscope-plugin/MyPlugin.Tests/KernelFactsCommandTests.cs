using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;
using DumpScope.Sdk.Types;
using Microsoft.Extensions.DependencyInjection;
using MyPlugin.Commands;
using Xunit;

namespace MyPlugin.Tests;

public class KernelFactsCommandTests
{
    [Fact]
    public void Reports_the_kernels_facts()
    {
        var services = new ServiceCollection().AddSingleton<IKernel>(new StubKernel()).BuildServiceProvider();
        var result = new KernelFactsCommand { PerCpu = true }.Execute(new CommandContext(services, "myplugin-facts -p", CancellationToken.None));

        Assert.False(result.Failed, result.Error);
        var record = Assert.IsType<RecordBlock>(result.Blocks[0]);
        Assert.Equal("6.1.0-test", record.Fields[0].Value.Value);
        Assert.Equal(2UL, record.Fields[1].Value.Value);
        var table = Assert.IsType<TableBlock>(result.Blocks[1]);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(0x2000UL, table.Rows[1].Cells[1].Value);
    }

    [Fact]
    public void Without_a_dump_it_says_so()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        Assert.Throws<NoDumpException>(() => new KernelFactsCommand().Execute(new CommandContext(services, "myplugin-facts", CancellationToken.None)));
    }

    /// <summary>A kernel with facts only; replace with a real dump (DumpScope's test fixtures) for deeper tests.</summary>
    private sealed class StubKernel : IKernel
    {
        public IDumpSource Dump => throw new NotSupportedException();
        public IKernelMemory Memory => throw new NotSupportedException();
        public ISymbolTable Symbols => throw new NotSupportedException();
        public ITypeCatalog Types => throw new NotSupportedException();
        public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();
        public VmcoreInfo? VmcoreInfo => null;
        public string Release => "6.1.0-test";
        public string Architecture => "x86_64";
        public int PageSize => 4096;
        public ulong KaslrOffset => 0;
        public uint NrCpuIds => 2;
        public uint NrNodeIds => 1;
        public CpuMask PossibleCpus => CpuMask.FirstN(2);
        public CpuMask OnlineCpus => CpuMask.FirstN(2);
        public ulong PerCpuOffset(int cpu) => 0x1000UL * (ulong)(cpu + 1);
        public IReadOnlyList<string> FactNotes => [];
    }
}
