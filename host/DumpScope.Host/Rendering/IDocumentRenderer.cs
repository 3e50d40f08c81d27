namespace DumpScope.Host.Rendering;

/// <summary>A renderer that writes one document for a whole batch (HTML): it collects results and writes them at the end.</summary>
public interface IDocumentRenderer
{
    /// <summary>Writes the document of every result written so far, and forgets them.</summary>
    void Complete(TextWriter output);
}
