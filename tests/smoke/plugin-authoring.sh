#!/usr/bin/env bash
# The third-party plugin path exactly as docs/plugin-authoring.md tells it: the commands between its
# "smoke:begin" and "smoke:end" markers run line by line in a scratch HOME (feed, NuGet source, template,
# plugin folder all land there; only "/path/to/vmcore" is replaced by the dump), with `dumpscope` on PATH.
# Then the external sample (samples/BlockedTasks) is published against the same feed and loaded too.
# usage: tests/smoke/plugin-authoring.sh DUMPSCOPE_EXECUTABLE DUMP
set -euo pipefail
exe=$1 dump=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "plugin-authoring: $*"; }
fail() { echo "plugin-authoring: $*" >&2; exit 1; }

# Packages already downloaded stay usable (no network round trips); the feed's own ids are dropped by the script.
export NUGET_PACKAGES=${NUGET_PACKAGES:-$HOME/.nuget/packages}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$work/home/bin"
ln -s "$exe" "$work/home/bin/dumpscope"

sed -n '/<!-- smoke:begin -->/,/<!-- smoke:end -->/p' "$repo/docs/plugin-authoring.md" | sed '/^```/d; /<!-- smoke:/d' \
  | sed "s|/path/to/vmcore|$dump|g" > "$work/commands.sh"
[ -s "$work/commands.sh" ] || fail "docs/plugin-authoring.md has no smoke:begin/smoke:end block"
step "running the documented commands:"
sed 's/^/    /' "$work/commands.sh"
out=$(cd "$repo" && HOME="$work/home" PATH="$work/home/bin:$PATH" bash -euo pipefail "$work/commands.sh" 2>&1) || { echo "$out"; fail "a documented command failed"; }
echo "$out"
echo "$out" | grep -Eq '^ *NR_CPU_IDS: 2$' || fail "myplugin-facts did not report NR_CPU_IDS 2"
echo "$out" | grep -Eq '^ *S \(sleeping\) +[0-9]+' || fail "myplugin-states counted no sleeping task"

step "publish the external sample against the same feed"
cp -r "$repo/samples" "$work/samples"
rm -rf "$work/samples/dumps"
version=$(sed -n 's:.*<DumpScopeSdkVersion>\(.*\)</DumpScopeSdkVersion>.*:\1:p' "$repo/Directory.Build.props")
(cd "$work/samples" && HOME="$work/home" dotnet publish BlockedTasks -c Release -o "$work/home/.dumpscope/plugins/BlockedTasks" -v q --nologo -p:DumpScopeSdkVersion="$version" >/dev/null)
if ls "$work/home/.dumpscope/plugins/BlockedTasks" | grep -Eq '^DumpScope\.Sdk(\.Linux)?\.dll$'; then fail "the sample carries a private SDK copy"; fi
out=$("$exe" "$dump" --plugin-dir "$work/home/.dumpscope/plugins" -c plugins -c "blocked -s S")
echo "$out"
echo "$out" | grep -Eq '^blockedtasks +1\.0\.0' || fail "blockedtasks is not listed as loaded"
echo "$out" | grep -Eq 'tasks in state S' || fail "blocked -s S printed no table"
step "passed"
