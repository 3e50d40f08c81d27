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
# REPEAT=N (N > 1) times the commands themselves instead of whole processes: each case runs its command N times in one
# process, the "open" process's time is taken off and the rest divided by N (the mean per-command time in a session,
# crash's and dumpscope's alike; dumpscope's first, cold run is in the mean). RSS is then the whole process's.
set -eu
dump=${1:?usage: compare-crash.sh DUMP [VMLINUX]}
vmlinux=${2:-/root/.cache/dumpscope/vmlinux-6.1.0-56-cloud-amd64}
here=$(cd "$(dirname "$0")/.." && pwd)
dumpscope=${DUMPSCOPE:-$here/host/DumpScope.Cli/bin/Release/net10.0/dumpscope.dll}
cases=${CASES:-open|kmem -s|ps}
repeat=${REPEAT:-1}
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

# run_case CASE: leaves "seconds kilobytes" of crash in $tmp/crash and of dumpscope in $tmp/ds
run_case() {
    one=$1
    : > "$tmp/cmds"
    set --
    if [ "$one" = open ]; then
        set -- -c dumpinfo
    else
        i=0
        while [ "$i" -lt "$repeat" ]; do echo "$one" >> "$tmp/cmds"; set -- "$@" -c "$one"; i=$((i + 1)); done
    fi
    measure crash crash -s "$vmlinux" "$dump" -i "$tmp/cmds" < /dev/null
    # shellcheck disable=SC2086
    measure ds dotnet "$dumpscope" "$dump" ${DUMPSCOPE_ARGS:-} "$@"
}
# The last line of a time file: /usr/bin/time first notes a non-zero exit status (crash exits 1 at the end of its input).
field() { tail -n 1 "$tmp/$1" | cut -d' ' -f"$2"; }

base_crash=0 base_ds=0
if [ "$repeat" -gt 1 ]; then
    run_case open
    base_crash=$(field crash 1) base_ds=$(field ds 1)
    echo "per-command means over $repeat runs in one process, after the open (crash ${base_crash} s, dumpscope ${base_ds} s)"
fi
printf '%-10s %10s %10s %7s %12s %12s %7s\n' CASE "crash s" "dscope s" ratio "crash RSS" "dscope RSS" ratio
echo "$cases" | tr '|' '\n' | while read -r case; do
    [ "$repeat" -gt 1 ] && [ "$case" = open ] && continue
    run_case "$case"
    awk -v c="$case" -v cs="$(field crash 1)" -v ds="$(field ds 1)" -v ck="$(field crash 2)" -v dk="$(field ds 2)" \
        -v bc="$base_crash" -v bd="$base_ds" -v n="$repeat" 'BEGIN {
        if (n > 1) { cs = (cs - bc) / n; ds = (ds - bd) / n; if (cs < 0.0005) cs = 0.0005; if (ds < 0) ds = 0 }
        printf "%-10s %10.4f %10.4f %7.3f %10d KB %10d KB %7.3f\n", c, cs, ds, ds / cs, ck, dk, dk / ck }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
