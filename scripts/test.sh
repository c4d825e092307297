#!/usr/bin/env bash
# The README's test command: installs what is missing, typechecks, lints, runs every package's tests
# (real nats-server, LMDB and isolates) and ends with the honest total "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
source "$root/scripts/bootstrap.sh"
set +e
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

status=0
echo "== typecheck and lint"
pnpm exec turbo run typecheck lint --output-logs=errors-only --log-order=grouped || status=1

echo "== tests"
log="$(mktemp)"
pnpm exec turbo run test --concurrency=1 --continue --output-logs=full --log-order=grouped 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# node:test prints "# pass N" and "# fail N" (and "# cancelled N") once per package run.
passed=$(awk 'match($0, /# pass [0-9]+$/) { split(substr($0, RSTART), a, " "); n += a[3] } END { print n + 0 }' "$log")
failed=$(awk 'match($0, /# (fail|cancelled) [0-9]+$/) { split(substr($0, RSTART), a, " "); n += a[3] } END { print n + 0 }' "$log")
# Every workspace package with a test script must print one summary.
packages=$(node -e 'const fs=require("fs");let n=0;for(const d of [...fs.readdirSync("packages").map((p)=>"packages/"+p),"bench","examples"]){try{if(JSON.parse(fs.readFileSync(d+"/package.json","utf8")).scripts?.test)n++}catch{}}console.log(n)')
summaries=$(grep -cE '# pass [0-9]+$' "$log")
passed=${passed:-0}; failed=${failed:-0}
if [ "$summaries" -lt "$packages" ]; then
  # A package whose runner died before its summary counts as one failure, never as silence.
  echo "warning: only $summaries of $packages packages printed a test summary" >&2
  failed=$((failed + packages - summaries))
fi
rm -f "$log"
[ "$failed" -eq 0 ] || status=1
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
exit "$status"
