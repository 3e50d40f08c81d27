namespace DumpScope.Sdk.Linux.Panic;

/// <summary>One TAINT_* flag of include/linux/panic.h.</summary>
/// <param name="Bit">Its bit number in <c>tainted_mask</c> and <c>module->taints</c>.</param>
/// <param name="Letter">The letter the kernel prints when it is set.</param>
/// <param name="Name">The TAINT_* name without the prefix ("PROPRIETARY_MODULE").</param>
/// <param name="Meaning">What it says about the kernel, in a few words.</param>
/// <param name="ByModule">True when a module load sets it (then <c>module->taints</c> names the module).</param>
public sealed record TaintFlag(int Bit, char Letter, string Name, string Meaning, bool ByModule);
