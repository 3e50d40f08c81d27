#!/usr/bin/env bash
# Packs everything a plugin author builds and tests against into one local NuGet feed folder:
# DumpScope.Sdk and DumpScope.Sdk.Linux (what a plugin compiles against), DumpScope.Host (the engine that
# DumpScope.Testing opens sessions with), DumpScope.Testing (the test kit) and DumpScope.Templates
# (`dotnet new dumpscope-plugin`), and the dumpscope command itself as a .NET tool with its plugins
# (`dotnet tool install --global dumpscope --add-source FEED_DIR`). Prints the feed's path.
# usage: eng/pack-feed.sh [FEED_DIR]   (default: artifacts/feed in this checkout)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
feed=${1:-$repo/artifacts/feed}
mkdir -p "$feed"
feed=$(cd "$feed" && pwd)
for project in sdk/DumpScope.Sdk sdk/DumpScope.Sdk.Linux host/DumpScope.Host tests/DumpScope.Testing templates/DumpScope.Templates host/DumpScope.Cli; do
  dotnet pack "$repo/$project" -c Release -o "$feed" --nologo -v q >/dev/null
done
# A package of the same id and version restored before is served from the global cache, not from the new
# feed: drop those copies (only local feeds make these packages).
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
rm -rf "$cache/dumpscope.sdk" "$cache/dumpscope.sdk.linux" "$cache/dumpscope.host" "$cache/dumpscope.testing" "$cache/dumpscope.templates" "$cache/dumpscope"
echo "$feed"
