using DumpScope.Fuzz;

// DumpScope.Fuzz: fuzz harnesses for DumpScope's parsers. See fuzz/README.md.
const string Usage = """
    usage: DumpScope.Fuzz list
           DumpScope.Fuzz run HARNESS FILE|DIR...        run inputs once (reproduce a crash)
           DumpScope.Fuzz smoke [--execs N] [--seconds S] [--timeout S] [--corpus DIR] [--findings DIR] [HARNESS...]
           DumpScope.Fuzz afl HARNESS                     SharpFuzz AFL mode (under afl-fuzz, instrumented)
           DumpScope.Fuzz libfuzzer HARNESS               SharpFuzz libFuzzer mode (under libfuzzer-dotnet)
           DumpScope.Fuzz make-corpus FIXTURES-DIR OUT-DIR
    """;

if (args.Length == 0) return Fail(Usage);
switch (args[0])
{
    case "list":
        foreach (var h in Harnesses.All) Console.WriteLine($"{h.Name,-11} {h.Description}");
        return 0;
    case "run" when args.Length >= 3:
        {
            var harness = Harnesses.Find(args[1]) ?? throw new ArgumentException($"unknown harness {args[1]}");
            int failures = 0;
            foreach (var file in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : new[] { p }))
            {
                try
                {
                    harness.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"ok    {file}");
                }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"CRASH {file}\n{e}");
                }
            }
            return failures == 0 ? 0 : 1;
        }
    case "smoke":
        return Smoke(args.Skip(1).ToArray());
    case "afl" when args.Length == 2:
        {
            var harness = Harnesses.Find(args[1]) ?? throw new ArgumentException($"unknown harness {args[1]}");
            SharpFuzz.Fuzzer.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                harness.Run(buffer.ToArray());
            });
            return 0;
        }
    case "libfuzzer" when args.Length == 2:
        {
            var harness = Harnesses.Find(args[1]) ?? throw new ArgumentException($"unknown harness {args[1]}");
            SharpFuzz.Fuzzer.LibFuzzer.Run(span => harness.Run(span.ToArray()));
            return 0;
        }
    case "make-corpus" when args.Length == 3:
        CorpusBuilder.Build(args[1], args[2]);
        return 0;
    default:
        return Fail(Usage);
}

static int Smoke(string[] args)
{
    var options = new SmokeOptions();
    string? corpusRoot = null;
    var names = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--execs": options = options with { MaxMutations = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            case "--seconds": options = options with { TimeBudget = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) }; break;
            case "--timeout": options = options with { InputTimeout = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) }; break;
            case "--corpus": corpusRoot = Value(); break;
            case "--findings": options = options with { FindingsDirectory = Value() }; break;
            default: names.Add(args[i]); break;
        }
    }
    corpusRoot ??= Corpus.FindRoot();
    if (corpusRoot is null) return Fail("no fuzz/corpus folder found (pass --corpus DIR)");
    var harnesses = names.Count == 0 ? Harnesses.All : names.Select(n => Harnesses.Find(n) ?? throw new ArgumentException($"unknown harness {n}")).ToList();
    int findings = 0;
    foreach (var harness in harnesses)
    {
        var report = SmokeRunner.Run(harness, Corpus.Load(corpusRoot, harness.Name), options);
        Console.WriteLine(report);
        findings += report.Findings.Count;
    }
    Console.WriteLine(findings == 0 ? "smoke: no findings" : $"smoke: {findings} finding(s)");
    return findings == 0 ? 0 : 1;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
