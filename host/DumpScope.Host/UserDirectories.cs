namespace DumpScope.Host;

/// <summary>
/// The per-user folders (XDG base directories): configuration (plugins.json, plugins/) under
/// <c>$XDG_CONFIG_HOME/dumpscope</c> (default <c>~/.config/dumpscope</c>), state (REPL history) under
/// <c>$XDG_STATE_HOME/dumpscope</c> (default <c>~/.local/state/dumpscope</c>). Read from the environment on each
/// call so a test (or a user) can point them elsewhere.
/// </summary>
public static class UserDirectories
{
    /// <summary>The per-user configuration folder.</summary>
    public static string Config => Base("XDG_CONFIG_HOME", ".config");

    /// <summary>The per-user state folder.</summary>
    public static string State => Base("XDG_STATE_HOME", Path.Combine(".local", "state"));

    private static string Base(string variable, string homeRelative)
    {
        // XDG: a relative value is invalid and must be ignored.
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value) && Path.IsPathRooted(value)) return Path.Combine(value, "dumpscope");
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, homeRelative, "dumpscope");
    }
}
