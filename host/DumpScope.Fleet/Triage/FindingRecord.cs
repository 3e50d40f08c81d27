namespace DumpScope.Fleet.Triage;

/// <summary>One row of the triage findings table, as stored: no evidence lines (those quote the dump's memory).</summary>
public sealed record FindingRecord(int Rank, string Severity, string Kind, string Title, string? Source);
