namespace DumpScope.Fuzz;

/// <summary>
/// One fuzz target: a parser entry point that must, for ANY input, either succeed or fail the documented way
/// (<see cref="InvalidDataException"/> for malformed data, <see cref="NotSupportedException"/> for unsupported
/// data, or a failure text). Any other exception, a crash or a hang escaping <see cref="Run"/> is a finding.
/// </summary>
/// <param name="Name">The command-line name (also the corpus folder name under fuzz/corpus).</param>
/// <param name="Description">What the harness drives.</param>
/// <param name="Run">The entry point; the fuzzer and the smoke test call exactly this.</param>
public sealed record FuzzHarness(string Name, string Description, Action<byte[]> Run)
{
    /// <summary>Runs <paramref name="body"/>, letting only the documented failure kinds pass silently.</summary>
    internal static void Tolerating(Action body)
    {
        try
        {
            body();
        }
        catch (InvalidDataException)
        {
            // Malformed input reported the documented way.
        }
        catch (NotSupportedException)
        {
            // A kernel dump of a kind DumpScope does not read.
        }
    }
}
