#!/usr/bin/env bash
# The third-party plugin path, end to end: pack the SDK and the template, instantiate the template in a temp
# folder, test and publish it against the local package, publish the external sample, load both into
# dumpscope with --plugin-dir and run their commands on the kd1 dump.
# usage: tests/smoke/plugin-authoring.sh DUMPSCOPE_EXECUTABLE DUMP
set -euo pipefail
exe=$1 dump=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<DumpScopeSdkVersion>\(.*\)</DumpScopeSdkVersion>.*:\1:p' "$repo/Directory.Build.props")

step() { echo "plugin-authoring: $*"; }

step "pack SDK $version and the template"
dotnet pack "$repo/sdk/DumpScope.Sdk" -c Release -o "$work/feed" -v q --nologo >/dev/null
dotnet pack "$repo/templates/DumpScope.Templates" -c Release -o "$work/feed" -v q --nologo >/dev/null
# A package of the same version restored earlier would be served from the global cache: drop it.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/dumpscope.sdk/$version"

# A config with the machine's default sources plus the local feed.
(cd "$work" && dotnet new nugetconfig --force >/dev/null && dotnet nuget add source "$work/feed" --name dumpscope-local --configfile "$work/nuget.config" >/dev/null)

step "instantiate dotnet new dumpscope-plugin"
hive="$work/hive"
dotnet new install "$work/feed/DumpScope.Templates.$version.nupkg" --debug:custom-hive "$hive" >/dev/null
dotnet new dumpscope-plugin -n MyPlugin -o "$work/MyPlugin" --SdkVersion "$version" --debug:custom-hive "$hive" >/dev/null
cp "$work/nuget.config" "$work/MyPlugin/nuget.config"

step "test and publish the template's plugin"
dotnet test "$work/MyPlugin/MyPlugin.Tests" -v q --nologo
dotnet publish "$work/MyPlugin/MyPlugin" -c Release -o "$work/plugins/MyPlugin" -v q --nologo >/dev/null

step "publish the external sample against the package"
cp -r "$repo/samples" "$work/samples"
cp "$work/nuget.config" "$work/samples/nuget.config"
dotnet publish "$work/samples/TopCaches" -c Release -o "$work/plugins/TopCaches" -v q --nologo -p:DumpScopeSdkVersion="$version" >/dev/null
if ls "$work/plugins/TopCaches" | grep -q '^DumpScope.Sdk.dll$'; then echo "plugin-authoring: the sample carries a private SDK copy" >&2; exit 1; fi

step "load both with --plugin-dir and run their commands"
out=$("$exe" "$dump" --plugin-dir "$work/plugins" -c "plugins" -c "myplugin-facts -p" -c "topcaches 3")
echo "$out"
echo "$out" | grep -Eq '^ *NR_CPU_IDS: 2$' || { echo "plugin-authoring: myplugin-facts did not report NR_CPU_IDS 2" >&2; exit 1; }
echo "$out" | grep -Eq '^topcaches +1\.0\.0' || { echo "plugin-authoring: topcaches is not listed as loaded" >&2; exit 1; }
echo "$out" | grep -Eq '^(dentry|kmalloc|shmem_inode_cache|inode_cache|kernfs_node_cache|radix_tree_node)' || { echo "plugin-authoring: topcaches listed no cache" >&2; exit 1; }
step "passed"
