namespace DumpScope.Host.Expressions;

/// <summary>
/// Splits an expression into tokens. Numbers follow crash more than C: a leading 0 is decimal (crash's
/// <c>eval 077</c> is 77), octal needs 0o; a digit-led word with hex letters ("89ab0000") is hex, as crash
/// reads addresses; k/m/g/t after a number multiply by 1024^n (crash's eval size suffixes).
/// </summary>
public static class ExpressionLexer
{
    /// <summary>Longest expression accepted (a command line is far shorter).</summary>
    public const int MaxLength = 4096;

    private static readonly string[] Punctuation =
        ["->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "(", ")", "[", "]", ".", ",", ":"];

    /// <summary>The tokens of <paramref name="text"/>, ending with an <see cref="ExpressionTokenKind.End"/> token.</summary>
    /// <exception cref="UsageException">A character or number that is not part of the grammar, with its column.</exception>
    public static List<ExpressionToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength) throw new UsageException($"the expression is {text.Length} characters long; at most {MaxLength} are accepted");
        var tokens = new List<ExpressionToken>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (IsWordStart(c) || char.IsAsciiDigit(c))
            {
                while (i < text.Length && IsWordPart(text[i])) i++;
                var word = text[start..i];
                tokens.Add(char.IsAsciiDigit(c) ? new ExpressionToken(ExpressionTokenKind.Number, word, start, ParseNumber(word, start, text)) : new ExpressionToken(ExpressionTokenKind.Identifier, word, start));
                continue;
            }
            var op = Punctuation.FirstOrDefault(p => string.CompareOrdinal(text, i, p, 0, p.Length) == 0);
            if (op is null) throw Error(text, start, $"'{c}' is not part of an expression");
            tokens.Add(new ExpressionToken(ExpressionTokenKind.Punctuation, op, start));
            i += op.Length;
        }
        tokens.Add(new ExpressionToken(ExpressionTokenKind.End, "", text.Length));
        return tokens;
    }

    /// <summary>A usage error naming the 1-based column of <paramref name="position"/> in <paramref name="text"/>.</summary>
    public static UsageException Error(string text, int position, string message) =>
        new($"{message} (column {position + 1} of '{text}')");

    /// <summary>The value of a bare hex word such as "ffff89ab01253000" (crash writes addresses without 0x), or false.</summary>
    public static bool TryHexWord(string word, out ulong value)
    {
        value = 0;
        return word.Length is > 0 and <= 16 && word.All(char.IsAsciiHexDigit)
            && ulong.TryParse(word, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$';

    private static bool IsWordPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';

    private static ulong ParseNumber(string word, int position, string text)
    {
        string digits = word;
        int radix = 10;
        if (word.Length > 2 && word[0] == '0' && word[1] is 'x' or 'X') { radix = 16; digits = word[2..]; }
        else if (word.Length > 2 && word[0] == '0' && word[1] is 'o' or 'O') { radix = 8; digits = word[2..]; }
        else if (word.Length > 2 && word[0] == '0' && word[1] is 'b' or 'B' && word[2..].All(ch => ch is '0' or '1')) { radix = 2; digits = word[2..]; }

        int shift = 0;
        if (digits.Length > 1 && char.ToLowerInvariant(digits[^1]) is 'k' or 'm' or 'g' or 't')
        {
            shift = char.ToLowerInvariant(digits[^1]) switch { 'k' => 10, 'm' => 20, 'g' => 30, _ => 40 };
            digits = digits[..^1];
        }
        if (radix == 10 && digits.Any(char.IsAsciiLetter))
        {
            // A digit-led word with hex letters is an address written as crash does (no 0x).
            if (shift != 0) { digits = word; shift = 0; }
            radix = 16;
        }
        ulong value = 0;
        foreach (char d in digits)
        {
            int digit = char.IsAsciiDigit(d) ? d - '0' : char.IsAsciiHexDigit(d) ? char.ToLowerInvariant(d) - 'a' + 10 : 99;
            if (digit >= radix) throw Error(text, position, $"'{word}' is not a number (digit '{d}' in base {radix})");
            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix) throw Error(text, position, $"'{word}' does not fit in 64 bits");
            value = value * (ulong)radix + (ulong)digit;
        }
        if (digits.Length == 0) throw Error(text, position, $"'{word}' has no digits");
        if (shift != 0)
        {
            if (value > ulong.MaxValue >> shift) throw Error(text, position, $"'{word}' does not fit in 64 bits");
            value <<= shift;
        }
        return value;
    }
}
