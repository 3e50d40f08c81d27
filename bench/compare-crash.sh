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
# REPEAT=N (N > 1) times the commands inside one session instead of whole processes: crash runs each command N times
# between two shell time stamps (`!echo T $(date +%s.%N)` in its input file) and its mean is taken; dumpscope runs
# `dumpscope bench DUMP -c CMD`, whose FIRST is the cold run (JIT, empty caches) and AGAIN the warm mean. Both
# ratios are printed against crash's mean (crash has loaded everything at start-up, so its runs are all warm).
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

if [ "$repeat" -gt 1 ]; then
    printf '%-10s %12s %12s %12s %11s %11s\n' CASE "crash ms" "dscope 1st" "dscope warm" "1st ratio" "warm ratio"
    echo "$cases" | tr '|' '\n' | while read -r case; do
        [ "$case" = open ] && continue
        { echo '!echo T0 $(date +%s.%N)'; i=0
          while [ "$i" -lt "$repeat" ]; do echo "$case"; i=$((i + 1)); done
          echo '!echo T1 $(date +%s.%N)'; } > "$tmp/cmds"
        crash -s "$vmlinux" "$dump" -i "$tmp/cmds" < /dev/null > "$tmp/crash.out" 2>&1 || true
        # shellcheck disable=SC2086
        dotnet "$dumpscope" bench "$dump" ${DUMPSCOPE_ARGS:-} -c "$case" > "$tmp/ds.out" 2>&1 || true
        t0=$(sed -n 's/^T0 //p' "$tmp/crash.out" | head -n 1); t1=$(sed -n 's/^T1 //p' "$tmp/crash.out" | tail -n 1)
        # The bench table's row: the command's words, then the columns the header names (two or more spaces
        # apart in the header; one value each in the row): FIRST ms and AGAIN ms are found by name.
        words=$(echo "$case" | wc -w)
        header=$(grep -E '^COMMAND +FIRST' "$tmp/ds.out" | head -n 1)
        row=$(grep -F -- "$case " "$tmp/ds.out" | grep -v '^COMMAND' | head -n 1)
        awk -v c="$case" -v t0="$t0" -v t1="$t1" -v n="$repeat" -v w="$words" -v row="$row" -v header="$header" 'BEGIN {
            k = split(header, h, "  +"); fi = 0; ai = 0
            for (i = 1; i <= k; i++) { if (h[i] == "FIRST ms") fi = i - 1; if (h[i] == "AGAIN ms") ai = i - 1 }
            split(row, f, " +"); first = f[w + fi]; warm = f[w + ai]
            cm = (t1 - t0) * 1000 / n; if (cm <= 0) cm = 0.001
            printf "%-10s %12.3f %12.2f %12.3f %11.2f %11.3f\n", c, cm, first, warm, first / cm, warm / cm }'
    done
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
    exit 0
fi

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
