using System.Text.Json;

namespace DumpScope.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void Plugins_as_json_lists_each_loaded_plugin_with_name_and_version()
    {
        var (exit, output, _) = CliRun.Run("-c", "plugins", "--json");
        exit.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("blocks")[0].GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("name").GetString()).Should().Contain(["slab", "tasks", "memory"]);
        rows.Should().OnlyContain(r => r.GetProperty("version").GetString()!.Length > 0);
    }

    [Fact]
    public void An_unknown_plugin_exits_non_zero_listing_the_valid_names()
    {
        var (exit, _, error) = CliRun.Run("--plugins", "nonexistent", "-c", "plugins");
        exit.Should().NotBe(0);
        error.Should().Contain("unknown plugin: nonexistent").And.Contain("memory").And.Contain("slab").And.Contain("tasks");
    }

    [Fact]
    public void An_unknown_profile_exits_with_usage()
    {
        var (exit, _, error) = CliRun.Run("--profile", "nope", "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("unknown profile 'nope'").And.Contain("slab-leak");
    }

    [Fact]
    public void A_failing_command_makes_the_exit_code_non_zero_but_later_commands_still_run()
    {
        var (exit, output, error) = CliRun.Run("-c", "nosuchcommand", "-c", "help plugins");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("unknown command 'nosuchcommand'");
        output.Should().Contain("usage: plugins");
    }

    [Fact]
    public void Commands_from_a_file_and_from_c_run_in_order()
    {
        var script = Path.GetTempFileName();
        File.WriteAllLines(script, ["# a comment", "", "help help"]);
        var (exit, output, _) = CliRun.Run("-c", "plugins", "-i", script);
        exit.Should().Be(0);
        output.IndexOf("dumpscope> plugins", StringComparison.Ordinal).Should().BeLessThan(output.IndexOf("dumpscope> help help", StringComparison.Ordinal));
    }

    [Fact]
    public void Commands_come_from_standard_input_when_it_is_not_a_terminal()
    {
        var (exit, output, _) = CliRun.RunWithInput("help plugins\nplugins\n");
        exit.Should().Be(0);
        output.Should().Contain("usage: plugins").And.Contain("profiles");
    }

    [Fact]
    public void A_dump_command_without_a_dump_says_so()
    {
        var (exit, _, error) = CliRun.Run("--plugins", "slab", "-c", "dumpinfo");
        exit.Should().NotBe(0);
        error.Should().Contain("dumpinfo: no dump is open");
    }

    [Fact]
    public void A_missing_dump_file_is_a_usage_error_naming_it()
    {
        var (exit, _, error) = CliRun.Run("/nonexistent/vmcore", "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("/nonexistent/vmcore");
    }

    [Fact]
    public void Help_and_version_exit_zero()
    {
        CliRun.Run("--help").Exit.Should().Be(0);
        var (exit, output, _) = CliRun.Run("--version");
        exit.Should().Be(0);
        output.Trim().Should().MatchRegex(@"^dumpscope \d+\.\d+\.\d+", "the first line is the tool and its version");
    }

    [Fact]
    public void An_unknown_option_exits_with_usage()
    {
        var (exit, _, error) = CliRun.Run("--bogus");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("--bogus");
    }
}

public class SampleDumpTests
{
    [Fact]
    public void The_bundled_sample_is_a_real_dump_that_opens_without_any_other_file()
    {
        // This test needs no fixtures folder: the sample is part of the repository.
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", "kmem -s kmalloc-64", "-c", "dumpinfo");
        exit.Should().Be(0, error);
        output.Should().MatchRegex(@"ffff89ab01042500\s+64\s+1555\s+1728\s+27\s+4k\s+kmalloc-64");
        output.Should().Contain("6.1.0-56-cloud-amd64");
    }

    [Fact]
    public void Sample_and_a_dump_together_are_a_usage_error()
    {
        CliRun.Run("/some/dump", "--sample", "-c", "plugins").Exit.Should().Be(Program.Usage);
    }
}

public class BuiltinCommandTests
{
    [Fact]
    public void Numeric_looking_options_bind_when_the_command_declares_them()
    {
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", "rd -32 linux_banner 4");
        exit.Should().Be(0, error);
        output.Should().Contain("Linux version 6.");
        output.Should().MatchRegex(@"\+0\s+\+4\s+\+8\s+\+c");
    }
}
