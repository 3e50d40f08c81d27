#!/usr/bin/env bash
# The REPL's line editor in a real terminal (tmux): a command typed in one run is recalled with Up in the next
# (the history file under a scratch XDG_STATE_HOME), Ctrl-R finds it, Tab completes a command verb and a symbol.
# usage: tests/smoke/repl-history.sh DUMPSCOPE_EXECUTABLE
set -euo pipefail
exe=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
smoke=$repo/tests/DumpScope.Tui.Tests/tmux-smoke.sh
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
# env on the command line: a tmux server started earlier would not pass this shell's environment on.
repl=(env XDG_STATE_HOME="$state" "$exe" --sample --repl)

echo "repl-history: run 1 types a command"
bash "$smoke" -s 120x30 -w 60 -q C-d -e "dumpscope>" -t "sym linux_banner" -k Enter -e "ADDRESS           TYPE  SYMBOL" -- "${repl[@]}"
grep -qx "sym linux_banner" "$state/dumpscope/history" || { echo "repl-history: the history file does not hold the line" >&2; exit 1; }

echo "repl-history: run 2 recalls it with Up, finds it with Ctrl-R, completes with Tab"
bash "$smoke" -s 120x30 -w 60 -q C-d -e "dumpscope>" \
  -k Up -e "dumpscope> sym linux_banner" -k C-u \
  -k C-r -t "banner" -e "(reverse-i-search)'banner': sym linux_banner" -k C-g -k C-u \
  -t "pstr" -k Tab -e "dumpscope> pstree" -k C-u \
  -t "rd linux_ban" -k Tab -e "dumpscope> rd linux_banner" -k C-u \
  -- "${repl[@]}"
echo "repl-history: passed"
