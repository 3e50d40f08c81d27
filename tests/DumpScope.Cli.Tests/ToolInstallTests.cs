using DumpScope.Host.Session;

namespace DumpScope.Cli.Tests;

/// <summary>The CLI as an installed tool: --version, exit codes in --help, the man page, completions, per-user plugins.</summary>
public class ToolInstallTests
{
    [Fact]
    public void Version_names_the_tool_the_sdk_the_helpers_and_the_commit()
    {
        var (exit, output, error) = CliRun.Run("--version");
        exit.Should().Be(Program.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex(@"^dumpscope \d+\.\d+\.\d+");
        output.Should().MatchRegex(@"sdk \(DumpScope\.Sdk\) +1\.\d+\.\d+").And.MatchRegex(@"helpers \(DumpScope\.Sdk\.Linux\) +\d+\.\d+\.\d+");
        // Built inside the checkout: the commit is git's short hash, not the "unknown" of a build outside git.
        output.Should().MatchRegex(@"commit +[0-9a-f]{12}");
    }

    [Fact]
    public void Help_lists_the_exit_codes()
    {
        var (exit, output, _) = CliRun.Run("--help");
        exit.Should().Be(Program.Ok);
        output.Should().Contain("Exit codes: 0 every command succeeded; 1 a command failed").And.Contain("2 usage error");
    }

    [Fact]
    public void The_checked_in_man_page_is_what_dumpscope_man_generates()
    {
        var (exit, output, error) = CliRun.Run("man");
        exit.Should().Be(Program.Ok, error);
        output.Should().StartWith(".TH DUMPSCOPE 1").And.Contain(".SH EXIT STATUS").And.Contain(@"\fB\-\-plugin\-dir\fR \fIDIR\fR")
            .And.Contain(@"\fBkmem \-s").And.Contain("(plugin: slab)");
        // The checked-in copy matches in everything but the plugin command list, which moves with every new
        // command (regenerate with `dumpscope man > docs/dumpscope.1`); the options and exit codes must be current.
        var checkedIn = File.ReadAllText(Repository.File("docs/dumpscope.1"));
        WithoutCommands(checkedIn).Should().Be(WithoutCommands(output), "docs/dumpscope.1 is regenerated with `dumpscope man > docs/dumpscope.1` when the options change");
        checkedIn.Should().Contain(".SH COMMANDS").And.Contain(@"\fBkmem \-s");
    }

    [Fact]
    public void Bash_completion_is_valid_bash_and_completes_the_plugins_verbs()
    {
        var (exit, script, error) = CliRun.Run("completion", "bash");
        exit.Should().Be(Program.Ok, error);
        script.Should().Contain("complete -o filenames -F _dumpscope dumpscope");
        script.Should().MatchRegex(@"--command\|-c\) COMPREPLY=\(\$\(compgen -W '[^']*\bkmem\b[^']*\bps\b[^']*'");
        script.Should().MatchRegex(@"--profile\) COMPREPLY=\(\$\(compgen -W 'all [^']*\bslab-leak\b[^']*'", "the profiles of plugins.json");
        Shell.Run("bash", "-n", script).Should().Be(0, "bash -n accepts the script");
        // Completing `dumpscope -c p` in bash itself offers the commands starting with p.
        var probe = script + "\nCOMP_WORDS=(dumpscope -c p); COMP_CWORD=2; _dumpscope; printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Shell.Output("bash", probe).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Contain(["ps", "pstree", "plugins", "page"]);
    }

    [Fact]
    public void Zsh_completion_declares_every_option_with_arguments()
    {
        var (exit, script, error) = CliRun.Run("completion", "zsh");
        exit.Should().Be(Program.Ok, error);
        script.Should().StartWith("#compdef dumpscope").And.Contain("_arguments -s")
            .And.Contain("'*'{--command,-c}'[run a command (repeatable, in order)]:command:(")
            .And.Contain("'(--plugins-config)'--plugins-config'[")
            .And.NotContain("/?");
    }

    [Fact]
    public void Completion_for_an_unknown_shell_is_a_usage_error()
    {
        var (exit, _, error) = CliRun.Run("completion", "fish");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("usage: dumpscope completion bash|zsh");
    }

    [Fact]
    public void The_per_user_plugins_json_and_plugin_folder_are_searched_by_default()
    {
        var user = Directory.CreateTempSubdirectory("dumpscope-user-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(user, "plugins.json"), """{ "default": "mine", "profiles": { "mine": ["tasks"] } }""");
            var shipped = Path.Combine(AppContext.BaseDirectory, "plugins", "DumpScope.Plugins.Tasks");
            var mine = Path.Combine(user, "plugins", "DumpScope.Plugins.Tasks");
            Directory.CreateDirectory(mine);
            foreach (var file in Directory.GetFiles(shipped)) File.Copy(file, Path.Combine(mine, Path.GetFileName(file)));

            using var session = DumpScopeSession.Create(new SessionOptions { UserConfigDirectory = user });
            session.Manifest.FilePath.Should().Be(Path.Combine(user, "plugins.json"));
            session.ActivePlugins.Select(p => p.Name).Should().Equal("tasks");
            session.ActivePlugins[0].Folder.Should().Be(mine, "the user's folder is searched before the one beside the executable");
            session.Notes.Should().Contain(n => n.Contains($"found again in {shipped}"));
        }
        finally
        {
            Directory.Delete(user, recursive: true);
        }
    }

    private static string WithoutCommands(string roff)
    {
        int from = roff.IndexOf(".SH COMMANDS", StringComparison.Ordinal), to = roff.IndexOf(".SH EXIT STATUS", StringComparison.Ordinal);
        return from < 0 || to < from ? roff : roff[..from] + roff[to..];
    }
}

/// <summary>Runs a shell on a script given on standard input.</summary>
internal static class Shell
{
    public static int Run(string shell, string flag, string script) => Start(shell, [flag], script).ExitCode;

    public static string Output(string shell, string script) => Start(shell, [], script).Output;

    private static (int ExitCode, string Output) Start(string shell, string[] args, string script)
    {
        var info = new System.Diagnostics.ProcessStartInfo(shell) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
