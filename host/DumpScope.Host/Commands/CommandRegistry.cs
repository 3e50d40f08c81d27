namespace DumpScope.Host.Commands;

/// <summary>
/// All commands of a session. A verb may be shared by several commands that differ by selector flag
/// (<c>kmem -s</c> in the slab plugin, <c>kmem -i</c> in the memory plugin). Every command is also reachable
/// as <c>plugin:verb</c>. When two plugins declare the same verb and selector, the first loaded keeps the
/// plain name, both keep their qualified names, and a warning says so.
/// </summary>
public sealed class CommandRegistry
{
    private readonly Dictionary<string, List<RegisteredCommand>> _byVerb = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RegisteredCommand> _all = [];

    private readonly Dictionary<string, string> _unloaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How the session chose its plugins, for messages: "profile slab-leak", "--plugins slab".</summary>
    public string Selection { get; set; } = "this session";

    /// <summary>Conflicts found while registering.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Every registered command, in registration order.</summary>
    public IReadOnlyList<RegisteredCommand> All => _all;

    /// <summary>Registers a command type from a plugin.</summary>
    public void Add(Type commandType, string plugin) => Add(new RegisteredCommand(commandType, plugin));

    /// <summary>Registers a command (of a loaded plugin, or from a plugin's index before it is loaded).</summary>
    public void Add(RegisteredCommand command)
    {
        var plugin = command.Plugin;
        _all.Add(command);
        var attr = command.Attribute;
        AddVerb($"{plugin}:{attr.Name}", command);
        foreach (var verb in attr.Aliases.Prepend(attr.Name))
        {
            if (_byVerb.TryGetValue(verb, out var existing) && existing.FirstOrDefault(c => c.Attribute.Selector == attr.Selector) is { } clash)
            {
                Warnings.Add($"'{Describe(verb, attr.Selector)}' is declared by plugins '{clash.Plugin}' and '{plugin}': '{verb}' runs {clash.Plugin}'s; use '{plugin}:{attr.Name}' for the other");
                continue;
            }
            AddVerb(verb, command);
        }
    }

    /// <summary>Remembers the verbs of a plugin that was found but not loaded, so asking for one says how to load it.</summary>
    public void AddUnloaded(Type commandType, string plugin) => AddUnloaded(new RegisteredCommand(commandType, plugin).Attribute, plugin);

    /// <summary>Remembers the verbs of a command of a plugin that was found but not loaded.</summary>
    public void AddUnloaded(CommandAttribute attr, string plugin)
    {
        foreach (var verb in attr.Aliases.Prepend(attr.Name))
            _unloaded.TryAdd(Describe(verb, attr.Selector), plugin);
    }

    private UsageException NotLoaded(string invocation, string plugin)
    {
        var loaded = _all.Select(c => c.Plugin).Where(p => p != "host").Distinct(StringComparer.OrdinalIgnoreCase).Append(plugin);
        return new UsageException($"'{invocation}' is in plugin {plugin}, which {Selection} does not load; add --plugins {string.Join(',', loaded)}");
    }

    /// <summary>
    /// Finds the command for a line's words: the verb, then the selector flag among the remaining words, else the
    /// verb's default (selector-less) command. Returns the command and the words to bind.
    /// </summary>
    public (RegisteredCommand Command, IReadOnlyList<string> Arguments) Resolve(IReadOnlyList<string> words)
    {
        if (words.Count == 0) throw new UsageException("empty command");
        var verb = words[0];
        if (!_byVerb.TryGetValue(verb, out var candidates))
        {
            if (_unloaded.TryGetValue(verb, out var plugin)) throw NotLoaded(verb, plugin);
            if (words.Skip(1).Select(w => Describe(verb, w)).FirstOrDefault(_unloaded.ContainsKey) is { } selectorOfUnloaded)
                throw NotLoaded(selectorOfUnloaded, _unloaded[selectorOfUnloaded]);
            var close = Suggest(verb);
            throw new UsageException(close.Count > 0
                ? $"unknown command '{verb}'; did you mean: {string.Join(", ", close)}?"
                : $"unknown command '{verb}'; 'help' lists the commands");
        }
        var rest = words.Skip(1).ToList();
        var selected = candidates.Where(c => c.Attribute.Selector is { } s && rest.Contains(s, StringComparer.Ordinal)).ToList();
        if (selected.Count > 1)
            throw new UsageException($"'{verb}' takes one of {string.Join(", ", selected.Select(c => c.Attribute.Selector))} at a time");
        if (selected.Count == 1)
        {
            var command = selected[0];
            // The selector is consumed unless the command also declares it as an option of its own.
            if (!command.Options.Any(o => o.Attribute.Names.Contains(command.Attribute.Selector)))
                rest.Remove(command.Attribute.Selector!);
            return (command, rest);
        }
        var fallback = candidates.FirstOrDefault(c => c.Attribute.Selector is null);
        if (rest.Where(w => fallback is null || !fallback.Options.Any(o => o.Attribute.Names.Contains(w)))
                .Select(w => Describe(verb, w)).FirstOrDefault(_unloaded.ContainsKey) is { } unloaded)
            throw NotLoaded(unloaded, _unloaded[unloaded]);
        if (fallback is null)
            throw new UsageException($"'{verb}' needs one of: {string.Join(", ", candidates.Select(c => c.Invocation + "  (" + c.Attribute.Help + ")"))}");
        return (fallback, rest);
    }

    /// <summary>
    /// What <see cref="Resolve"/> looks at in <paramref name="words"/>: the verb and each word that is a selector or an
    /// option of one of the verb's commands or names a selector of an unloaded plugin, the other words blanked. Two
    /// lines of the same shape resolve alike (the same command, or the same usage error), so a caller resolving
    /// thousands of lines ("task 0x…" of each ps row) resolves each shape once. Do not keep a shape across
    /// registrations.
    /// </summary>
    public string ResolutionShape(IReadOnlyList<string> words)
    {
        if (words.Count == 0) return "";
        var verb = words[0];
        var shape = new StringBuilder(verb);
        for (int i = 1; i < words.Count; i++)
        {
            var word = words[i];
            bool matters = !_byVerb.TryGetValue(verb, out var candidates) || ShapeWords(verb, candidates).Contains(word)
                || (_unloaded.Count > 0 && _unloaded.ContainsKey(Describe(verb, word)));
            shape.Append('\0').Append(matters ? word : "");
        }
        return shape.ToString();
    }

    /// <summary>The selectors and option names of a verb's commands, gathered once per verb (ps asks for each of 100,000 rows).</summary>
    private HashSet<string> ShapeWords(string verb, List<RegisteredCommand> candidates)
    {
        if (_shapeWords.TryGetValue(verb, out var known)) return known;
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in candidates)
        {
            if (command.Attribute.Selector is { } selector) words.Add(selector);
            foreach (var option in command.Options) words.UnionWith(option.Attribute.Names);
        }
        _shapeWords[verb] = words;
        return words;
    }

    private readonly Dictionary<string, HashSet<string>> _shapeWords = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when a command (loaded or not) has this verb.</summary>
    public bool IsVerb(string verb) => _byVerb.ContainsKey(verb) || _unloaded.ContainsKey(verb);

    /// <summary>Verbs close to a mistyped one (edit distance ≤ 2 or a shared prefix).</summary>
    public IReadOnlyList<string> Suggest(string verb) =>
        _byVerb.Keys.Where(k => !k.Contains(':'))
            .Select(k => (k, d: Distance(k.ToLowerInvariant(), verb.ToLowerInvariant())))
            .Where(x => x.d <= 2 || x.k.StartsWith(verb, StringComparison.OrdinalIgnoreCase) || verb.StartsWith(x.k, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.d).ThenBy(x => x.k, StringComparer.Ordinal)
            .Select(x => x.k).Take(5).ToArray();

    private void AddVerb(string verb, RegisteredCommand command)
    {
        _shapeWords.Remove(verb);
        if (!_byVerb.TryGetValue(verb, out var list)) _byVerb[verb] = list = [];
        list.Add(command);
    }

    private static string Describe(string verb, string? selector) => selector is null ? verb : $"{verb} {selector}";

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
