#!/usr/bin/env bash
# The README's start command: installs what is missing, then starts a Solo node with an embedded NATS
# and its data in ./.solo (override with --data-dir or SOLO_DATA_DIR). Extra arguments go to `solo up`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bootstrap.sh
source "$root/scripts/bootstrap.sh"
exec node --no-node-snapshot --import tsx "$root/packages/cli/src/main.ts" up "$@"
