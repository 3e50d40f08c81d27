namespace DumpScope.Sdk.Linux.Irq;

/// <summary>One <c>struct irqaction</c> of an interrupt: what runs when it fires.</summary>
/// <param name="Address">The irqaction address.</param>
/// <param name="Handler">Its <c>handler</c> pointer, null when unreadable.</param>
/// <param name="ThreadFn">Its <c>thread_fn</c> (threaded handler) pointer, 0 when none or unreadable.</param>
/// <param name="Name">Its <c>name</c> (the device's), null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record IrqAction(ulong Address, ulong? Handler, ulong ThreadFn, string? Name, string? Problem);

/// <summary>An interrupt descriptor (<c>struct irq_desc</c>) as /proc/interrupts and crash's <c>irq</c> show it.</summary>
/// <param name="Irq">The Linux IRQ number.</param>
/// <param name="Desc">The irq_desc address.</param>
/// <param name="ChipName">irq_data.chip->name ("IO-APIC", "PCI-MSI"), null when there is no chip or it is unreadable.</param>
/// <param name="FlowHandler">desc->handle_irq (handle_edge_irq, handle_fasteoi_irq, …), 0 when unreadable.</param>
/// <param name="Actions">The action chain (desc->action, then each ->next).</param>
/// <param name="Affinity">irq_common_data.affinity, null when unreadable.</param>
/// <param name="Counts">Per possible CPU (index = CPU) the count in desc->kstat_irqs, null entries where unreadable; null when kstat_irqs is NULL.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record IrqDescInfo(int Irq, ulong Desc, string? ChipName, ulong FlowHandler, IReadOnlyList<IrqAction> Actions,
    CpuMask? Affinity, IReadOnlyList<ulong?>? Counts, string? Problem);
