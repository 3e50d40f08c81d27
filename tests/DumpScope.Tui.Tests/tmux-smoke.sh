#!/usr/bin/env bash
# Real-terminal smoke test for the DumpScope TUI, driven through tmux.
#
# Usage:
#   tmux-smoke.sh [STEP]... [-s COLSxROWS] [-w SECONDS] [-q QUIT-KEY] -- COMMAND [ARG]...
#
# COMMAND [ARG]... is the program to start in a tmux pane of 160x50 or -s (the TUI: the test SmokeApp,
#   `dotnet tests/DumpScope.Tui.Tests/SmokeApp/bin/Debug/net10.0/DumpScope.Tui.SmokeApp.dll`; later the CLI,
#   e.g. `dotnet host/DumpScope.Cli/bin/Debug/net10.0/dumpscope.dll DUMP --tui`). Everything after `--` is
#   passed as is.
# Steps run in the order given:
#   -e TEXT   wait (up to the timeout) until the screen contains TEXT (fixed string, grep -F); fail otherwise
#   -m FILE   wait until the whole screen matches FILE: one line per screen row, each compared with its row, `*`
#             matching any run of characters (every other character stands for itself); fail with both screens
#   -n TEXT   fail if the screen contains TEXT now
#   -t TEXT   type TEXT literally (tmux send-keys -l)
#   -k KEYS   send tmux key names, space-separated (e.g. "Enter", "F9", "Escape", "BSpace", "C-q", "M-Left")
# Options:
#   -s COLSxROWS  terminal size (default 160x50)
#   -w SECONDS  timeout for each wait (default 30)
#   -q KEY      quit key sent at the end (default C-q)
# After the steps the quit key is sent; the script then waits for COMMAND to end and fails unless its exit code
# is 0. On failure it prints the last screen. Exit codes: 0 passed, 1 a check failed, 2 bad usage / no tmux.
#
# Example:
#   tests/DumpScope.Tui.Tests/tmux-smoke.sh -e "Commands" -k F9 -t "kmem -s" -k Enter -e kmalloc-64 \
#       -- dotnet tests/DumpScope.Tui.Tests/SmokeApp/bin/Debug/net10.0/DumpScope.Tui.SmokeApp.dll
set -euo pipefail

usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }

steps=()
timeout=30
size=160x50
quit_key="C-q"
while [[ $# -gt 0 ]]; do
    case "$1" in
        -e|-n|-t|-k|-m)
            [[ $# -ge 2 ]] || { echo "tmux-smoke: $1 needs a value" >&2; exit 2; }
            steps+=("${1#-}" "$2")
            shift 2 ;;
        -w) timeout="$2"; shift 2 ;;
        -s) size="$2"; shift 2 ;;
        -q) quit_key="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) echo "tmux-smoke: unknown option $1 (the command goes after --)" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $# -gt 0 ]] || { echo "tmux-smoke: no command given" >&2; usage >&2; exit 2; }
[[ "$size" =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "tmux-smoke: -s wants COLSxROWS, not '$size'" >&2; exit 2; }
cols="${BASH_REMATCH[1]}"
rows="${BASH_REMATCH[2]}"
command -v tmux >/dev/null 2>&1 || { echo "tmux-smoke: tmux is not installed" >&2; exit 2; }

session="dumpscope-smoke-$$"
work="$(mktemp -d)"
rc_file="$work/rc"
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

screen() { tmux capture-pane -p -t "$session" 2>/dev/null || true; }

fail() {
    echo "tmux-smoke: FAILED: $*" >&2
    echo "---- screen ----" >&2
    screen >&2
    echo "----------------" >&2
    exit 1
}

# The pane's shell records the program's exit code, so the session may close without losing it.
printf -v program '%q ' "$@"
tmux new-session -d -s "$session" -x "$cols" -y "$rows" "$program; echo \$? > '$rc_file'; sleep 1"

# line_matches LINE PATTERN: PATTERN's `*` match any run of characters, everything else itself.
line_matches() {
    local line="$1" pattern="$2" piece rest
    [[ "$pattern" == *"*"* ]] || { [[ "$line" == "$pattern" ]]; return; }
    piece="${pattern%%\**}"
    [[ "${line:0:${#piece}}" == "$piece" ]] || return 1
    line="${line:${#piece}}"
    rest="${pattern#*\*}"
    while [[ "$rest" == *"*"* ]]; do
        piece="${rest%%\**}"
        rest="${rest#*\*}"
        [[ -z "$piece" ]] && continue
        [[ "$line" == *"$piece"* ]] || return 1
        line="${line#*"$piece"}"
    done
    [[ -z "$rest" || ( ${#line} -ge ${#rest} && "${line: -${#rest}}" == "$rest" ) ]]
}

# screen_matches FILE: every row of the screen matches its line of FILE.
screen_matches() {
    local -a have want
    mapfile -t have < <(screen)
    mapfile -t want < "$1"
    [[ ${#want[@]} -le ${#have[@]} ]] || return 1
    local r
    for r in "${!want[@]}"; do
        line_matches "${have[$r]}" "${want[$r]}" || return 1
    done
}

checks=0
deadline() { echo $(( $(date +%s) + timeout )); }

i=0
while [[ $i -lt ${#steps[@]} ]]; do
    kind="${steps[$i]}"
    value="${steps[$((i + 1))]}"
    i=$((i + 2))
    case "$kind" in
        e)
            end="$(deadline)"
            until screen | grep -F -q -- "$value"; do
                [[ -f "$rc_file" ]] && fail "program ended (exit $(cat "$rc_file")) before showing '$value'"
                [[ $(date +%s) -lt $end ]] || fail "'$value' did not appear within ${timeout}s"
                sleep 0.2
            done
            checks=$((checks + 1)) ;;
        m)
            [[ -f "$value" ]] || { echo "tmux-smoke: no screen file $value" >&2; exit 2; }
            end="$(deadline)"
            until screen_matches "$value"; do
                [[ -f "$rc_file" ]] && fail "program ended (exit $(cat "$rc_file")) before the screen matched $value"
                if [[ $(date +%s) -ge $end ]]; then
                    echo "---- expected ($value) ----" >&2
                    cat "$value" >&2
                    fail "the screen did not match $value within ${timeout}s"
                fi
                sleep 0.2
            done
            checks=$((checks + 1)) ;;
        n)
            if screen | grep -F -q -- "$value"; then fail "'$value' is on the screen"; fi
            checks=$((checks + 1)) ;;
        t)
            tmux send-keys -t "$session" -l -- "$value" ;;
        k)
            # Word splitting is wanted: several key names in one step.
            # shellcheck disable=SC2086
            tmux send-keys -t "$session" $value
            # Let the program read a lone Escape before the next key (it is also a sequence prefix).
            sleep 0.3 ;;
    esac
done

tmux send-keys -t "$session" "$quit_key"
end="$(deadline)"
until [[ -s "$rc_file" ]]; do
    [[ $(date +%s) -lt $end ]] || fail "program did not exit within ${timeout}s after $quit_key"
    sleep 0.2
done
rc="$(cat "$rc_file")"
[[ "$rc" == "0" ]] || fail "program exited with $rc"
echo "tmux-smoke: $checks checks passed, exit code 0"
