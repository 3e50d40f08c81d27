using Microsoft.VisualBasic.FileIO;

namespace DumpScope.Testing;

/// <summary>Reads CSV with the framework's RFC 4180 parser, so tests check output against a parser that is not ours.</summary>
public static class CsvText
{
    /// <summary>The records of <paramref name="text"/>, fields unquoted.</summary>
    public static List<string[]> Parse(string text)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { HasFieldsEnclosedInQuotes = true, TextFieldType = FieldType.Delimited };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData) rows.Add(parser.ReadFields()!);
        return rows;
    }
}
