using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using DumpScope.Host.Commands;
using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Plugins;

/// <summary>
/// What a plugin declares, readable without loading its assembly: name, version, description, SDK version, the
/// service types its <see cref="IDumpScopePlugin.ConfigureServices"/> registers and every command's declaration
/// (attribute, options, arguments, navigation subjects). Written at build time beside the assembly
/// (<c>NAME.index.json</c>, by <c>dumpscope index-plugins DIR</c>, which the CLI's build runs over its plugins folder),
/// it lets the host register a plugin's commands at start and load the assembly only when one of them is first run:
/// loading the nine plugins was a third of a `dumpinfo`'s CPU. It names the assembly's MVID; an index whose MVID is
/// not the assembly's (rebuilt since), or of another format, is stale and the plugin is loaded at once, as before.
/// </summary>
public sealed class PluginIndex
{
    /// <summary>The format written; another one is read as stale.</summary>
    public const int Format = 1;

    /// <summary>The module version id of the assembly the index was made from.</summary>
    public required Guid Mvid { get; init; }

    /// <summary>The plugin's name.</summary>
    public required string Name { get; init; }

    /// <summary>The plugin's version.</summary>
    public required string Version { get; init; }

    /// <summary>The plugin's one-line description.</summary>
    public required string Description { get; init; }

    /// <summary>The SDK version it was built against.</summary>
    public required Version SdkVersion { get; init; }

    /// <summary>Full names of the service types the plugin registers (asking the session for one loads the plugin).</summary>
    public required IReadOnlyList<string> Services { get; init; }

    /// <summary>The plugin's commands.</summary>
    public required IReadOnlyList<CommandEntry> Commands { get; init; }

    /// <summary>One command's declaration.</summary>
    /// <param name="TypeName">The command class's full name.</param>
    /// <param name="Attribute">Its <see cref="CommandAttribute"/>.</param>
    /// <param name="Options">Its options (without their properties).</param>
    /// <param name="Arguments">Its positional arguments, by position.</param>
    /// <param name="Shows">The navigation subjects it shows (SDK types only).</param>
    public sealed record CommandEntry(string TypeName, CommandAttribute Attribute, IReadOnlyList<OptionBinding> Options,
        IReadOnlyList<ArgumentBinding> Arguments, IReadOnlyList<ShowsAttribute> Shows);

    /// <summary>Where the index of a plugin assembly lives: beside it, <c>NAME.index.json</c>.</summary>
    public static string PathFor(string assemblyPath) => Path.ChangeExtension(assemblyPath, ".index.json");

    /// <summary>The module version id in an assembly's metadata, read without loading it.</summary>
    public static Guid ReadMvid(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
    }

    /// <summary>
    /// The index of a loaded plugin: its commands by reflection, its services by running its ConfigureServices into a
    /// collection of its own. Throws <see cref="NotSupportedException"/> for what an index cannot describe (a
    /// navigation subject declared outside the SDK).
    /// </summary>
    public static PluginIndex Of(LoadedPlugin plugin, string assemblyPath)
    {
        var staged = new ServiceCollection();
        plugin.Entry.ConfigureServices(staged);
        var commands = new List<CommandEntry>();
        foreach (var type in PluginLoader.CommandTypes(plugin.Assembly))
        {
            var command = new RegisteredCommand(type, plugin.Name);
            foreach (var shows in command.Shows)
                if (shows.Subject.Assembly != typeof(TargetSubject).Assembly)
                    throw new NotSupportedException($"{type.FullName} shows {shows.Subject.FullName}, which is not an SDK type");
            commands.Add(new CommandEntry(command.TypeName, command.Attribute, command.Options, command.Arguments, command.Shows));
        }
        return new PluginIndex
        {
            Mvid = ReadMvid(assemblyPath), Name = plugin.Name, Version = plugin.Version, Description = plugin.Description, SdkVersion = plugin.SdkVersion,
            Services = staged.Select(d => d.ServiceType.FullName ?? d.ServiceType.Name).Distinct(StringComparer.Ordinal).ToArray(),
            Commands = commands,
        };
    }

    /// <summary>
    /// Reads the index beside a plugin assembly. Null (with why) when there is none, when it is of another format or
    /// unreadable, or when it was made from another build of the assembly (its MVID differs): the plugin is then
    /// loaded at once.
    /// </summary>
    public static (PluginIndex? Index, string? Why) TryRead(string assemblyPath)
    {
        var path = PathFor(assemblyPath);
        if (!File.Exists(path)) return (null, "no index");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetInt32() != Format) return (null, $"{path}: index format {root.GetProperty("format")}, this host reads {Format}");
            var mvid = root.GetProperty("mvid").GetGuid();
            if (mvid != ReadMvid(assemblyPath)) return (null, $"{path}: stale (made from another build of the assembly)");
            var commands = new List<CommandEntry>();
            foreach (var c in root.GetProperty("commands").EnumerateArray())
                commands.Add(ReadCommand(c) is { } command ? command : throw new InvalidDataException($"command {c.GetProperty("type").GetString()} shows a subject this SDK does not have"));
            var index = new PluginIndex
            {
                Mvid = mvid, Name = Text(root, "name"), Version = Text(root, "version"), Description = Text(root, "description"),
                SdkVersion = System.Version.Parse(Text(root, "sdkVersion")),
                Services = Strings(root, "services"), Commands = commands,
            };
            return (index, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException
                                       or InvalidDataException or IOException or BadImageFormatException or ArgumentException)
        {
            return (null, $"{path}: unreadable ({e.Message})");
        }
    }

    /// <summary>Writes the index as JSON.</summary>
    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("format", Format);
        json.WriteString("mvid", Mvid);
        json.WriteString("name", Name);
        json.WriteString("version", Version);
        json.WriteString("description", Description);
        json.WriteString("sdkVersion", SdkVersion.ToString(3));
        WriteStrings(json, "services", Services);
        json.WriteStartArray("commands");
        foreach (var c in Commands)
        {
            var a = c.Attribute;
            json.WriteStartObject();
            json.WriteString("type", c.TypeName);
            json.WriteString("name", a.Name);
            WriteStrings(json, "aliases", a.Aliases);
            json.WriteString("help", a.Help);
            if (a.Selector is not null) json.WriteString("selector", a.Selector);
            json.WriteBoolean("needsDump", a.NeedsDump);
            WriteStrings(json, "examples", a.Examples);
            WriteStrings(json, "seeAlso", a.SeeAlso);
            WriteObjects(json, "options", c.Options, o =>
            {
                WriteStrings(json, "names", o.Attribute.Names);
                json.WriteString("help", o.Attribute.Help);
                json.WriteNumber("minimum", o.Attribute.Minimum);
                if (o.Attribute.ValueName is not null) json.WriteString("valueName", o.Attribute.ValueName);
                json.WriteString("property", o.PropertyName);
                json.WriteBoolean("flag", o.IsFlag);
            });
            WriteObjects(json, "arguments", c.Arguments, g =>
            {
                json.WriteNumber("position", g.Attribute.Position);
                json.WriteString("name", g.Attribute.Name);
                json.WriteString("help", g.Attribute.Help);
                json.WriteBoolean("required", g.Attribute.Required);
                json.WriteNumber("minimum", g.Attribute.Minimum);
                json.WriteString("property", g.PropertyName);
                json.WriteBoolean("list", g.IsList);
            });
            WriteObjects(json, "shows", c.Shows, x =>
            {
                json.WriteString("subject", x.Subject.FullName);
                json.WriteString("arguments", x.Arguments);
            });
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the index of every plugin under the folders (<see cref="PluginLoader.Discover"/>); returns one line per
    /// plugin saying what was written or why not (a plugin that cannot be indexed is loaded at once by the host).
    /// </summary>
    public static IReadOnlyList<string> WriteAll(IEnumerable<string> directories)
    {
        var lines = new List<string>();
        foreach (var path in PluginLoader.Discover(directories))
        {
            var (plugin, failure) = PluginLoader.Load(path);
            var target = PathFor(path);
            if (failure is not null)
            {
                File.Delete(target);
                lines.Add($"{path}: not indexed: {failure.Reason}");
                continue;
            }
            try
            {
                Of(plugin!, path).Write(target);
                lines.Add($"{target}: {plugin!.Name}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A plugin whose ConfigureServices throws is not indexed: the host loads it at open and reports it there.
                File.Delete(target);
                lines.Add($"{path}: not indexed: {e.Message}");
            }
        }
        return lines;
    }

    private static CommandEntry? ReadCommand(JsonElement c)
    {
        var attribute = new CommandAttribute(Text(c, "name"))
        {
            Aliases = Strings(c, "aliases"), Help = Text(c, "help"),
            Selector = c.TryGetProperty("selector", out var selector) ? selector.GetString() : null,
            NeedsDump = c.GetProperty("needsDump").GetBoolean(), Examples = Strings(c, "examples"), SeeAlso = Strings(c, "seeAlso"),
        };
        var options = c.GetProperty("options").EnumerateArray().Select(o => new OptionBinding(
            new OptionAttribute(Strings(o, "names"))
            {
                Help = Text(o, "help"), Minimum = o.GetProperty("minimum").GetInt64(),
                ValueName = o.TryGetProperty("valueName", out var v) ? v.GetString() : null,
            }, Text(o, "property"), o.GetProperty("flag").GetBoolean())).ToArray();
        var arguments = c.GetProperty("arguments").EnumerateArray().Select(g => new ArgumentBinding(
            new ArgumentAttribute(g.GetProperty("position").GetInt32())
            {
                Name = Text(g, "name"), Help = Text(g, "help"), Required = g.GetProperty("required").GetBoolean(), Minimum = g.GetProperty("minimum").GetInt64(),
            }, Text(g, "property"), g.GetProperty("list").GetBoolean())).ToArray();
        var shows = new List<ShowsAttribute>();
        foreach (var s in c.GetProperty("shows").EnumerateArray())
        {
            // Subjects are SDK records (TargetSubject); one this SDK lacks makes the index unusable.
            if (typeof(TargetSubject).Assembly.GetType(Text(s, "subject")) is not { } subject) return null;
            shows.Add(new ShowsAttribute(subject, Text(s, "arguments")));
        }
        return new CommandEntry(Text(c, "type"), attribute, options, arguments, shows);
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new InvalidDataException($"'{name}' is null");

    private static string[] Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString() ?? "").ToArray();

    private static void WriteObjects<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<T> fields)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            fields(item);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
