using System.Text.Json;
using DumpScope.Testing.Browsers;

namespace DumpScope.Fleet.Tests;

/// <summary>dumpscope fleet over the shared batch: the same report from SQLite and PostgreSQL, and its HTML page in a browser.</summary>
public sealed class FleetReportTests : TempFolderTest
{
    [SkippableFact]
    public void Sqlite_and_postgresql_give_the_same_fleet_json_for_the_same_batch()
    {
        var batch = FleetBatch.Sqlite;
        var postgres = TemporaryPostgres.Require().CreateDatabase("fleet");
        var pgBatch = FleetCli.Run(FleetBatch.Arguments(batch.Dumps, postgres));
        pgBatch.Err.Should().Contain($"{batch.Damaged.Count} failed");

        var fromSqlite = FleetCli.Run("fleet", "--db", batch.Db, "--json");
        var fromPostgres = FleetCli.Run("fleet", "--db", postgres, "--json");

        fromSqlite.Exit.Should().Be(0, fromSqlite.Err);
        fromPostgres.Out.Should().Be(fromSqlite.Out);
        var doc = JsonDocument.Parse(fromSqlite.Out).RootElement;
        var fields = doc.GetProperty("blocks")[0].GetProperty("fields");
        fields.GetProperty("dumps").GetInt32().Should().Be(batch.Dumps.Count);
        fields.GetProperty("failed").GetInt32().Should().Be(batch.Damaged.Count);
        var top = doc.GetProperty("blocks")[1].GetProperty("rows")[0];
        top.GetProperty("dumps").GetInt32().Should().BeGreaterThanOrEqualTo(4, "kd1's four copies share a signature");
        var signature = top.GetProperty("signature").GetString()!;

        var showSqlite = FleetCli.Run("fleet", "show", signature[..8], "--db", batch.Db, "--json");
        var showPostgres = FleetCli.Run("fleet", "show", signature[..8], "--db", postgres, "--json");
        showSqlite.Exit.Should().Be(0, showSqlite.Err);
        showPostgres.Out.Should().Be(showSqlite.Out);
        showSqlite.Out.Should().Contain(Fixtures.Kd1Lzo).And.Contain("\"kind\":\"crash\"");
    }

    [SkippableFact]
    public void Fleet_show_of_an_unknown_signature_says_so()
    {
        var (exit, _, error) = FleetCli.Run("fleet", "show", "v1:ffffffffffffffff", "--db", FleetBatch.Sqlite.Db);

        exit.Should().Be(1);
        error.Should().Contain("no signature v1:ffffffffffffffff");
    }

    [SkippableFact]
    public void The_fleet_page_loads_in_a_browser_with_both_charts_drawn()
    {
        var page = Path.Combine(Dir.FullName, "fleet.html");
        var (exit, _, error) = FleetCli.Run("fleet", "--db", FleetBatch.Sqlite.Db, "--html", page);
        exit.Should().Be(0, error);
        var shot = Path.Combine(Dir.FullName, "fleet.png");

        var (domExit, dom, log) = HeadlessChromium.Run(page, "--dump-dom");
        var (shotExit, _, shotLog) = HeadlessChromium.Run(page, $"--screenshot={shot}", "--window-size=1200,2400");

        domExit.Should().Be(0, log);
        dom.Should().Contain("crashes per day").And.Contain("kernels affected").And.Contain("<caption>signatures</caption>");
        System.Text.RegularExpressions.Regex.Matches(dom, "<svg ").Count.Should().Be(2, "one chart per day, one per kernel");
        log.Should().NotContainAny(["CONSOLE", "Uncaught", "Failed to load resource"]);
        shotExit.Should().Be(0, shotLog);
        HeadlessChromium.CountPixels(shot, c => HeadlessChromium.Near(c, 0x1f77b4)).Should().BeGreaterThan(2000, "the top signature's bars are drawn in the first series' colour");
    }
}
