#!/usr/bin/env bash
# The CLI's progress line in a real terminal (tmux): a command that runs over a second shows
# "COMMAND: ..., N s (Ctrl-C stops)" on stderr, and Ctrl-C cancels it (the REPL says "cancelled" and prompts again).
# It needs a dump on which COMMAND takes more than a second, e.g. the 100,000-task synthetic kernel of
# bench/README.md (`ps`); the fixtures are too small for that, so .ci/run does not run it.
# usage: tests/smoke/cli-progress.sh DUMPSCOPE_EXECUTABLE "COMMAND" DUMP [DUMPSCOPE OPTIONS]...
set -euo pipefail
exe=$1
command=$2
shift 2
repo=$(cd "$(dirname "$0")/../.." && pwd)
smoke=$repo/tests/DumpScope.Tui.Tests/tmux-smoke.sh
echo "cli-progress: '$command' shows its progress line, Ctrl-C cancels it"
bash "$smoke" -s 120x30 -w 120 -q C-d -e "dumpscope>" -t "$command" -k Enter -e "(Ctrl-C stops)" -k C-c -e "cancelled" \
  -- "$exe" "$@" --repl
echo "cli-progress: passed"
