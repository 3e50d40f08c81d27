#!/usr/bin/env bash
# dumpscope as a dotnet tool: pack the CLI (with its plugins and plugins.json) into a scratch feed, install it with
# `dotnet tool install --tool-path` under a clean HOME, and run it from there: --version, a plugin command on a dump,
# --sample from inside the checkout, and a plugin found in the per-user folder (~/.config/dumpscope/plugins).
# Packs the configuration already built (--no-build), so it adds seconds, not a build, to CI.
# usage: tests/smoke/tool-install.sh DUMP [CONFIGURATION]   (default Debug)
set -euo pipefail
dump=$1 configuration=${2:-Debug}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "tool-install: $*"; }
fail() { echo "tool-install: $*" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step "pack the tool ($configuration)"
dotnet pack "$repo/host/DumpScope.Cli" -c "$configuration" --no-build -o "$work/feed" --nologo -v q >/dev/null
# Only the scratch feed: the tool package carries everything it needs, nothing comes from nuget.org.
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$work/feed" /></packageSources></configuration>
CONFIG
mkdir -p "$work/home"
run() { (cd "$work" && env -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME="$work/home" NUGET_PACKAGES="$work/home/.nuget/packages" "$@"); }
step "install with --tool-path under a clean HOME"
run dotnet tool install dumpscope --tool-path "$work/tools" --configfile "$work/nuget.config" >/dev/null
tool=$work/tools/dumpscope
[ -x "$tool" ] || fail "no dumpscope in the tool path"

out=$(run "$tool" --version)
echo "$out"
echo "$out" | grep -Eq '^dumpscope [0-9]+\.[0-9]+\.[0-9]+' || fail "--version does not start with the tool version"
echo "$out" | grep -Eq 'helpers \(DumpScope\.Sdk\.Linux\) +[0-9]' || fail "--version does not name the helper version"
expected=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
echo "$out" | grep -Eq "commit +[0-9a-f]{12}|commit +unknown" || fail "--version names no commit"

out=$(run "$tool" "$dump" -c sys -c "ps -G")
echo "$out" | grep -Eq '^ +PANIC: ' || fail "sys (memory plugin) printed no PANIC line from the installed tool"
echo "$out" | grep -Eq 'PID' || fail "ps (tasks plugin) printed no table from the installed tool"
out=$(cd "$repo" && env -u XDG_CONFIG_HOME HOME="$work/home" "$tool" --sample -c sys)
echo "$out" | grep -Eq '^ +CPUS: 2$' || fail "--sample from inside the checkout did not open the bundled dump"

step "a plugin in the per-user folder is loaded without --plugin-dir"
store_plugins=$(find "$work/tools/.store" -type d -path '*/tools/*/any/plugins' | head -1)
[ -n "$store_plugins" ] || fail "the installed tool has no plugins folder"
mkdir -p "$work/home/.config/dumpscope/plugins"
# The same tasks plugin under the user's folder: found there first, so the note says the shipped copy is the second.
cp -r "$store_plugins/DumpScope.Plugins.Tasks" "$work/home/.config/dumpscope/plugins/"
out=$(run "$tool" "$dump" -c "ps -G" 2>&1)
echo "$out" | grep -Eq 'PID' || fail "ps did not run with the tasks plugin from the per-user folder"
echo "$out" | grep -q "plugin 'tasks' found again in $store_plugins/DumpScope.Plugins.Tasks" || fail "the per-user plugin folder was not searched before the shipped one"
[ "$expected" = unknown ] || echo "$(run "$tool" --version)" | grep -q "$expected" || step "note: the build's commit differs from HEAD (built before the last commit)"
step "passed"
