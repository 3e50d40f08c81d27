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
dotnet publish "$repo/host/DumpScope.Cli" -c Release -r "$runtime" --self-contained -p:PublishSingleFile=true \
  -o "$out" --nologo -v q >&2
# What a release needs beside the executable: plugins/, plugins.json, the man page; not the debug symbols.
cp "$repo/docs/dumpscope.1" "$out/"
find "$out" -maxdepth 1 -name '*.pdb' -delete
[ -x "$out/dumpscope" ] || { echo "publish-release: no dumpscope executable in $out" >&2; exit 1; }
[ -d "$out/plugins" ] || { echo "publish-release: no plugins/ beside the executable in $out" >&2; exit 1; }
echo "$out"
