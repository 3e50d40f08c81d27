namespace DumpScope.Cli;

/// <summary>
/// dumpscope(1) in roff, generated from the command-line model (`dumpscope man`); docs/dumpscope.1 is its
/// checked-in output, kept current by a test. No date in it, so regenerating changes it only when the CLI changes.
/// </summary>
internal static class ManPage
{
    public static string Render(CommandLineModel model)
    {
        var roff = new StringBuilder();
        void Line(string text) => roff.Append(text).Append('\n');
        Line($".TH DUMPSCOPE 1 \"\" \"dumpscope {Escape(BuildInfo.Version)}\" \"User Commands\"");
        Line(".SH NAME");
        Line(@"dumpscope \- a plugin-based Linux kernel crash-dump analyzer");
        Line(".SH SYNOPSIS");
        Line(@".B dumpscope");
        Line(@"[\fIDUMP\fR] [\fB\-c\fR \fICOMMAND\fR]... [\fB\-i\fR \fIFILE\fR] [\fIOPTIONS\fR]");
        foreach (var (verb, _) in CommandLineModel.Verbs)
        {
            Line(".br");
            Line($".B dumpscope {verb}");
            Line(verb switch { "bench" => @"\fIDUMP\fR [\fB\-c\fR \fICOMMAND\fR]... [\fIOPTIONS\fR]", "completion" => @"\fBbash\fR|\fBzsh\fR [\fIOPTIONS\fR]", _ => @"[\fIOPTIONS\fR]" });
        }
        Line(".SH DESCRIPTION");
        foreach (var paragraph in model.Description.Split('\n')) { Line(Escape(paragraph)); Line(".PP"); }
        Line("Symbols come from kallsyms in the dump and types from its BTF unless a vmlinux, System.map or BTF file is given.");
        Line(".SH OPTIONS");
        foreach (var option in model.Options)
        {
            Line(".TP");
            var names = string.Join(", ", option.Names.Select(n => $@"\fB{Escape(n)}\fR"));
            Line(option.ValueName is null ? names : $@"{names} \fI{Escape(option.ValueName)}\fR");
            Line(Escape(option.Help));
        }
        Line(".SH VERBS");
        foreach (var (verb, help) in CommandLineModel.Verbs)
        {
            Line(".TP");
            Line($@"\fB{verb}\fR");
            Line(Escape(help));
        }
        Line(".SH COMMANDS");
        Line(@"Given with \fB\-c\fR, in a \fB\-i\fR file, on standard input, in the REPL or the terminal UI; \fBhelp\fR \fICOMMAND\fR explains one.");
        foreach (var command in model.Commands)
        {
            Line(".TP");
            Line($@"\fB{Escape(command.Usage)}\fR");
            Line($"{Escape(command.Help)} (plugin: {Escape(command.Plugin)})");
        }
        Line(".SH EXIT STATUS");
        foreach (var (code, meaning) in CommandLineModel.ExitCodes)
        {
            Line(".TP");
            Line($@"\fB{code}\fR");
            Line(Escape(meaning));
        }
        Line(".SH FILES");
        Line(".TP");
        Line(@"\fIplugins/\fR, \fIplugins.json\fR beside the executable");
        Line("The plugins shipped with dumpscope and their profiles.");
        Line(".TP");
        Line(@"\fI$XDG_CONFIG_HOME/dumpscope/plugins/\fR (default \fI~/.config/dumpscope/plugins/\fR)");
        Line(@"The user's plugins (\fIName\fR/\fIName\fR.dll), searched on every run.");
        Line(".TP");
        Line(@"\fI$XDG_CONFIG_HOME/dumpscope/plugins.json\fR");
        Line("The user's profiles; used instead of the shipped plugins.json when present.");
        Line(".TP");
        Line(@"\fI$XDG_STATE_HOME/dumpscope/history\fR (default \fI~/.local/state/dumpscope/history\fR)");
        Line("The REPL's and the terminal UI's command history.");
        Line(".TP");
        Line(@"\fI~/.cache/dumpscope/\fR");
        Line("DWARF indexes by build-id, decompressed fixtures.");
        Line(".SH SEE ALSO");
        Line(@"\fBcrash\fR(8), \fBdrgn\fR(1)");
        return roff.ToString();
    }

    /// <summary>Roff escaping: backslashes and hyphens, and a leading dot or quote that would read as a request.</summary>
    private static string Escape(string text)
    {
        var escaped = text.Replace(@"\", @"\e").Replace("-", @"\-");
        return escaped.StartsWith('.') || escaped.StartsWith('\'') ? @"\&" + escaped : escaped;
    }
}
