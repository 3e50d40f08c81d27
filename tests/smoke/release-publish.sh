#!/usr/bin/env bash
# The release folder (eng/publish-release.sh: self-contained, single-file) run as a user without .NET would run it:
# a clean HOME, no dotnet on PATH, DOTNET_ROOT pointing nowhere. It must print its versions, find the plugins
# beside the executable (sys from the memory plugin, ps from the tasks plugin) and a plugin in the per-user folder.
# usage: tests/smoke/release-publish.sh DUMP [OUT_DIR]
set -euo pipefail
dump=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "release-publish: $*"; }
fail() { echo "release-publish: $*" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step "publish (self-contained, single file)"
out=$(bash "$repo/eng/publish-release.sh" "${2:-$work/release}")
exe=$out/dumpscope
# One file for the program: no managed DumpScope assembly beside it but the plugins' own.
if find "$out" -maxdepth 1 -name 'DumpScope.*.dll' | grep -q .; then fail "the host's assemblies are beside the executable, not inside it"; fi
[ -f "$out/plugins/DumpScope.Plugins.Memory/DumpScope.Plugins.Memory.dll" ] || fail "the memory plugin is not in $out/plugins"

mkdir -p "$work/home"
# No .NET: PATH without dotnet, DOTNET_ROOT at an empty folder, run from outside the checkout.
run() { (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work/home" DOTNET_ROOT="$work/no-dotnet" TERM=dumb "$@"); }
cp "$dump" "$work/dump"

out_version=$(run "$exe" --version)
echo "$out_version"
echo "$out_version" | grep -Eq '^dumpscope [0-9]+\.[0-9]+\.[0-9]+' || fail "--version does not start with the tool version"

text=$(run "$exe" "$work/dump" -c sys -c "ps -G")
echo "$text" | grep -Eq '^ +PANIC: ' || fail "sys (memory plugin) printed no PANIC line from the release binary"
echo "$text" | grep -Eq 'PID' || fail "ps (tasks plugin) printed no table from the release binary"
json=$(run "$exe" "$work/dump" --json -c sys)
echo "$json" | grep -q '"load_average":\[' || fail "sys --json from the release binary has no typed load_average"

step "a plugin in the per-user folder is loaded without --plugin-dir"
mkdir -p "$work/home/.config/dumpscope/plugins"
cp -r "$out/plugins/DumpScope.Plugins.Tasks" "$work/home/.config/dumpscope/plugins/"
notes=$(run "$exe" "$work/dump" -c "ps -G" 2>&1)
echo "$notes" | grep -Eq 'PID' || fail "ps did not run with the tasks plugin from the per-user folder"
echo "$notes" | grep -q "found again in $out/plugins/DumpScope.Plugins.Tasks" || fail "the per-user copy was not the one loaded first"
step "ok ($(du -sh "$out" | cut -f1) in $out)"
