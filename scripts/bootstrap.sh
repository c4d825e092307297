#!/usr/bin/env bash
# Installs what Solo needs on a fresh Debian machine with Node 20: pnpm (pinned), nats-server (Debian
# package) and the workspace dependencies (isolated-vm and lmdb are compiled against this machine's Node
# headers). Safe to run again: each step is skipped when already done. Sourced by scripts/up.sh and
# scripts/test.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pnpm_version="$(node -p "require('$root/package.json').packageManager.split('@')[1]" 2>/dev/null || true)"

say() { printf 'solo-bootstrap: %s\n' "$*" >&2; }
die() { printf 'solo-bootstrap: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "Node.js is not installed. Install Node 20 (https://nodejs.org or your distribution), then run this again."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node $(node -v) is too old; Solo needs Node 20 or newer."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

# pnpm: corepack cannot verify pnpm's signature on this kind of machine, so install the pinned version with npm.
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null)" != "$pnpm_version" ]; then
  say "installing pnpm@$pnpm_version with npm"
  as_root npm i -g "pnpm@$pnpm_version" >/dev/null 2>&1 || npm i -g "pnpm@$pnpm_version" >/dev/null \
    || die "could not install pnpm@$pnpm_version (npm i -g pnpm@$pnpm_version failed). Install it by hand and run this again."
fi

# nats-server: Debian's package (2.9). Solo starts its own instance; it never uses a system service.
if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  say "installing nats-server from Debian's packages"
  if command -v apt-get >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null \
      || die "apt-get install nats-server failed. Install nats-server 2.9+ by hand (it must be on PATH), then run this again."
  else
    die "nats-server is missing and this is not a Debian-like system (no apt-get). Install nats-server 2.9+ on PATH."
  fi
fi

# node-gyp must build isolated-vm against the local Node headers: it would otherwise download them.
if [ -z "${npm_config_nodedir:-}" ]; then
  nodedir="$(npm config get nodedir 2>/dev/null || true)"
  if [ -n "$nodedir" ] && [ "$nodedir" != "undefined" ] && [ "$nodedir" != "null" ]; then
    export npm_config_nodedir="$nodedir"
  else
    node_prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi
  fi
fi

stamp="$root/node_modules/.solo-install-stamp"
want="$(cat "$root/pnpm-lock.yaml" "$root/package.json" "$root"/packages/*/package.json "$root/bench/package.json" 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing workspace dependencies (first run compiles isolated-vm, about a minute)"
  (cd "$root" && pnpm install --frozen-lockfile=$([ -f pnpm-lock.yaml ] && echo true || echo false) --reporter=append-only >&2) \
    || die "pnpm install failed (see above)."
  echo "$want" >"$stamp"
fi
