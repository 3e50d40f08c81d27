namespace DumpScope.Cli.Tests;

public class CliHabitTests
{
    [Fact]
    public void A_missing_plugin_folder_is_a_usage_error()
    {
        var (exit, _, error) = CliRun.Run("--plugin-dir", "/nonexistent", "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("--plugin-dir /nonexistent: no such folder");
    }

    [Fact]
    public void A_directory_given_as_the_dump_says_it_is_a_directory()
    {
        var (exit, _, error) = CliRun.Run(Path.GetTempPath(), "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("is a directory").And.NotContain("not found");
    }

    [Fact]
    public void A_command_of_a_plugin_the_profile_does_not_load_says_how_to_load_it()
    {
        var (exit, _, error) = CliRun.Run("--sample", "--profile", "slab-leak", "-c", "ps");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("'ps' is in plugin tasks, which profile slab-leak does not load; add --plugins slab,memory,tasks");
        CliRun.Run("--sample", "--profile", "hang", "-c", "kmem -s").Err.Should().Contain("'kmem -s' is in plugin slab, which profile hang does not load");
    }

    [Fact]
    public void Help_for_a_selector_shows_that_form_with_examples_and_see_also()
    {
        var (exit, output, error) = CliRun.Run("-c", "help kmem -s");
        exit.Should().Be(0, error);
        output.Should().Contain("usage: kmem -s").And.NotContain("usage: kmem -i").And.Contain("see also:").And.Contain("kmem -S");
        CliRun.Run("-c", "help rd").Out.Should().Contain("examples:").And.Contain("rd linux_banner 8");
    }

    [Fact]
    public void Every_command_has_examples_in_its_help()
    {
        var (_, list, _) = CliRun.Run("--format", "csv", "-c", "help");
        var commands = DumpScope.Testing.CsvText.Parse(list).Skip(1).Select(r => r[0]).ToList();
        commands.Should().HaveCountGreaterThan(15);
        foreach (var command in commands)
            CliRun.Run("-c", $"help {command}").Out.Should().Contain("examples:", $"help {command} shows examples");
    }

    [Fact]
    public void Whatis_takes_struct_and_the_name_as_two_words()
    {
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", "whatis struct list_head");
        exit.Should().Be(0, error);
        output.Should().Contain("struct list_head *next;");
    }

    [Fact]
    public void Bad_numbers_are_explained_without_dotnet_type_names()
    {
        var (exit, _, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", "rd linux_banner init_task");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("COUNT: 'init_task' is not a whole number").And.NotContainAny("int32", "Int32", "System.");
    }
}

public class PluginCommandMessageTests
{
    [Fact]
    public void Log_refuses_a_negative_count()
    {
        var (exit, _, error) = CliRun.Run("--sample", "-c", "log -n -1");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("log: -n: -1 is below the smallest allowed value, 0");
    }

    [Fact]
    public void Pstree_names_itself_when_no_task_matches()
    {
        var (exit, _, error) = CliRun.Run("--sample", "-c", "pstree 99999");
        exit.Should().Be(Program.Failed);
        error.Should().Contain("pstree: no task matches 99999").And.NotContain("ps: ");
    }
}
