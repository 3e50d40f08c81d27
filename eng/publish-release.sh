#!/usr/bin/env bash
# Publishes the release folder of dumpscope: self-contained (runs on a machine without .NET) and single-file (one
# `dumpscope` executable), with plugins/ and plugins.json beside it (each plugin is loaded from disk into its own
# load context, so plugins cannot live inside the single file). Prints the folder's path.
# usage: eng/publish-release.sh [OUT_DIR] [RUNTIME]   (default: artifacts/release/dumpscope-RUNTIME, linux-x64)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runtime=${2:-linux-x64}
out=${1:-$repo/artifacts/release/dumpscope-$runtime}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# ReadyToRun (precompiled native code beside the IL: start-up without JIT of our own code) needs the
# Microsoft.NETCore.App.Crossgen2.<RUNTIME> package, which the SDK picks to match the runtime pack; READY_TO_RUN=false
# publishes IL only (faster to build).
r2r=${READY_TO_RUN:-true}
dotnet publish "$repo/host/DumpScope.Cli" -c Release -r "$runtime" --self-contained -p:PublishSingleFile=true \
  -p:PublishReadyToRun="$r2r" -o "$out" --nologo -v q >&2
# The plugins are loaded from plugins/ as files, outside the single file: each is published again ReadyToRun over the
# IL copy, then indexed again by the executable (PluginIndex: the index names the dll's MVID, which crossgen keeps,
# but an index written by this very executable is the one it reads).
if [ "$r2r" = true ]; then
  for proj in "$repo"/plugins/*/*.csproj; do
    name=$(basename "$proj" .csproj)
    dotnet publish "$proj" -c Release -r "$runtime" --self-contained false -p:PublishReadyToRun=true \
      -o "$out/plugins/$name" --nologo -v q >&2
  done
fi
"$out/dumpscope" index-plugins "$out/plugins" >&2
# What a release needs beside the executable: plugins/, plugins.json, the man page; not the debug symbols.
cp "$repo/docs/dumpscope.1" "$out/"
find "$out" -maxdepth 1 -name '*.pdb' -delete
[ -x "$out/dumpscope" ] || { echo "publish-release: no dumpscope executable in $out" >&2; exit 1; }
[ -d "$out/plugins" ] || { echo "publish-release: no plugins/ beside the executable in $out" >&2; exit 1; }
echo "$out"
