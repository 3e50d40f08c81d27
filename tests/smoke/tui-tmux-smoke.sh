#!/usr/bin/env bash
# Real-terminal smoke test of the TUI: start dumpscope on the kd1 dump inside tmux, open the slab table,
# check the screen shows kmalloc-64, quit with Ctrl-Q, and check the exit code is 0.
# usage: tui-tmux-smoke.sh DUMPSCOPE_EXECUTABLE DUMP
set -euo pipefail
exe=$1 dump=$2
command -v tmux >/dev/null || { echo "tui smoke: tmux is not installed" >&2; exit 1; }
session=dumpscope-smoke-$$
status_file=$(mktemp)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -f "$status_file"' EXIT
tmux new-session -d -s "$session" -x 160 -y 45 "$exe '$dump'; echo \$? > '$status_file'; sleep 2"

wait_for() { # wait_for TEXT SECONDS
  for _ in $(seq 1 $(( $2 * 4 ))); do
    if tmux capture-pane -t "$session" -p | grep -qF -- "$1"; then return 0; fi
    sleep 0.25
  done
  echo "tui smoke: '$1' did not appear; the screen was:" >&2
  tmux capture-pane -t "$session" -p >&2
  return 1
}

wait_for "Ctrl+Q" 60
tmux send-keys -t "$session" F9
tmux send-keys -t "$session" "kmem -s" Enter
wait_for "kmalloc-64" 60
wait_for "kmem -s: " 30
tmux send-keys -t "$session" C-q
for _ in $(seq 1 40); do [ -s "$status_file" ] && break; sleep 0.25; done
code=$(cat "$status_file" 2>/dev/null || echo "none")
if [ "$code" != 0 ]; then echo "tui smoke: dumpscope exited with '$code'" >&2; exit 1; fi
echo "tui smoke: passed (kmalloc-64 shown, quit with exit code 0)"
