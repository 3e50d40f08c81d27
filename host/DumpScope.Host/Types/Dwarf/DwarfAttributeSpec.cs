namespace DumpScope.Host.Types.Dwarf;

/// <summary>One attribute of an abbreviation: its name, its form, and the value of an implicit_const form.</summary>
internal readonly record struct DwarfAttributeSpec(DwarfAttribute Name, DwarfForm Form, long ImplicitConst);
