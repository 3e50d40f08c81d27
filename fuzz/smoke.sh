#!/usr/bin/env bash
# Smoke-fuzz every DumpScope parser: each harness runs its seed corpus (fuzz/corpus/<harness>) and then
# deterministic mutations, bounded by count and time, with a per-input hang timeout. Exit 1 on any crash
# or hang (the inputs are saved under $FINDINGS). No native fuzzer needed. The same pass runs under
# `dotnet test` as tests/DumpScope.Host.Tests/Robustness/FuzzSmokeTests.cs.
#
#   fuzz/smoke.sh                       # all harnesses, 20000 mutations or 8 s each
#   EXECS=200000 SECONDS_EACH=60 fuzz/smoke.sh lzo kdump
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
EXECS="${EXECS:-20000}"
SECONDS_EACH="${SECONDS_EACH:-8}"
TIMEOUT="${TIMEOUT:-10}"
FINDINGS="${FINDINGS:-$here/findings}"
dotnet build "$here/DumpScope.Fuzz" -c Release -v quiet -nologo >/dev/null
exec dotnet "$here/DumpScope.Fuzz/bin/Release/net10.0/DumpScope.Fuzz.dll" smoke \
  --execs "$EXECS" --seconds "$SECONDS_EACH" --timeout "$TIMEOUT" \
  --corpus "$here/corpus" --findings "$FINDINGS" "$@"
