#!/usr/bin/env bash
# Prepares a machine to run the tests: npm dependencies, then the system packages the tests use.
# Idempotent and quick when everything is already there; `npm test` runs it first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { printf '[ensure-env] %s\n' "$*"; }
fail() {
  printf '[ensure-env] ERROR: %s\n' "$*" >&2
  exit 1
}

# --- npm dependencies ---------------------------------------------------------------------------------------
# Electron's binary cannot be downloaded everywhere and the tests never run it (see DESIGN.md §10).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

if [[ ! -d node_modules ]]; then
  npm_reason='node_modules is missing'
elif [[ ! -f node_modules/.package-lock.json ]]; then
  npm_reason='node_modules was not installed by npm ci'
elif [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm_reason='package-lock.json changed since the last install'
else
  npm_reason=''
fi
if [[ -n "$npm_reason" ]]; then
  command -v npm >/dev/null || fail 'npm is not on PATH: install Node.js 20.19 or newer first.'
  say "$npm_reason: running npm ci (better-sqlite3 compiles from source, about a minute)…"
  npm ci --no-audit --no-fund || fail 'npm ci failed (see the output above). Node 20.19+, a C++ toolchain and python3 are needed for better-sqlite3.'
fi

# --- system packages ----------------------------------------------------------------------------------------
# One line per need: "<file that proves it is installed>|<Debian packages that provide it>".
SYSTEM_DEPS=(
  '/usr/bin/chromium|chromium'
  '/usr/bin/radicale|radicale'
  '/usr/bin/htpasswd|apache2-utils'
)

missing_files=()
missing_pkgs=()
for dep in "${SYSTEM_DEPS[@]}"; do
  file=${dep%%|*}
  pkgs=${dep#*|}
  if [[ ! -x "$file" ]]; then
    missing_files+=("$file")
    read -r -a dep_pkgs <<<"$pkgs"
    missing_pkgs+=("${dep_pkgs[@]}")
  fi
done

if ((${#missing_pkgs[@]} > 0)); then
  command -v apt-get >/dev/null ||
    fail "missing ${missing_files[*]}, and this is not a Debian-like system (no apt-get): install the packages ${missing_pkgs[*]} yourself."
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    fail "missing ${missing_files[*]}: run as root, or install sudo, or run: apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
  fi
  say "installing ${missing_pkgs[*]} (missing ${missing_files[*]})…"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
    fail 'apt-get update failed (no network, or a broken sources list?).'
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" ||
    fail "apt-get install ${missing_pkgs[*]} failed (see the output above)."
  for file in "${missing_files[@]}"; do
    [[ -x "$file" ]] || fail "installed ${missing_pkgs[*]} but $file is still missing."
  done
fi

say 'environment ready.'
