#!/bin/sh
# Runs crash and dumpscope on the same dump, one fresh process per case, and prints wall time, peak RSS and
# dumpscope/crash ratios (below 1: dumpscope is faster / smaller).
#
#   bench/compare-crash.sh DUMP [VMLINUX]
#
# VMLINUX defaults to the DWARF vmlinux of the fixtures' kernel (/root/.cache/dumpscope/vmlinux-6.1.0-56-cloud-amd64;
# tests/../shared/tools/fetch-debian-vmlinux.sh fetches it). crash: `apt-get install -y crash` (8.0.2 on Debian 12).
# dumpscope: DUMPSCOPE (default: the Release build, `dotnet build -c Release host/DumpScope.Cli`); extra options
# for it in DUMPSCOPE_ARGS (e.g. "--vmlinux $VMLINUX" to read types from DWARF as crash does). Cases: CASES
# (default "open|kmem -s|ps"); "open" runs nothing but opening (crash: its start-up, dumpscope: dumpinfo).
set -eu
dump=${1:?usage: compare-crash.sh DUMP [VMLINUX]}
vmlinux=${2:-/root/.cache/dumpscope/vmlinux-6.1.0-56-cloud-amd64}
here=$(cd "$(dirname "$0")/.." && pwd)
dumpscope=${DUMPSCOPE:-$here/host/DumpScope.Cli/bin/Release/net10.0/dumpscope.dll}
cases=${CASES:-open|kmem -s|ps}
command -v crash >/dev/null || { echo "crash is not installed (apt-get install -y crash)" >&2; exit 2; }
[ -f "$dumpscope" ] || { echo "no dumpscope build at $dumpscope (dotnet build -c Release host/DumpScope.Cli)" >&2; exit 2; }
[ -f "$vmlinux" ] || { echo "no vmlinux at $vmlinux" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME COMMAND...: runs it with /usr/bin/time, leaves "seconds kilobytes" in $tmp/NAME
measure() {
    name=$1; shift
    /usr/bin/time -f "%e %M" -o "$tmp/$name" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || true
}

printf '%-10s %10s %10s %7s %12s %12s %7s\n' CASE "crash s" "dscope s" ratio "crash RSS" "dscope RSS" ratio
echo "$cases" | tr '|' '\n' | while read -r case; do
    if [ "$case" = open ]; then
        : > "$tmp/cmds"
        ds_command=dumpinfo
    else
        echo "$case" > "$tmp/cmds"
        ds_command=$case
    fi
    measure crash crash -s "$vmlinux" "$dump" -i "$tmp/cmds" < /dev/null
    # shellcheck disable=SC2086
    measure ds dotnet "$dumpscope" "$dump" ${DUMPSCOPE_ARGS:-} -c "$ds_command"
    # The last line: /usr/bin/time first notes a non-zero exit status (crash exits 1 at the end of its input).
    cs=$(tail -n 1 "$tmp/crash" | cut -d' ' -f1); ck=$(tail -n 1 "$tmp/crash" | cut -d' ' -f2)
    ds=$(tail -n 1 "$tmp/ds" | cut -d' ' -f1); dk=$(tail -n 1 "$tmp/ds" | cut -d' ' -f2)
    awk -v c="$case" -v cs="$cs" -v ds="$ds" -v ck="$ck" -v dk="$dk" 'BEGIN {
        printf "%-10s %10.2f %10.2f %7.3f %10d KB %10d KB %7.3f\n", c, cs, ds, ds / cs, ck, dk, dk / ck }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
