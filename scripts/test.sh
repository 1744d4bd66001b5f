#!/usr/bin/env bash
# Runs every goldthread test on this machine, installing and starting what the tests need:
# a private PostgreSQL server (Debian's packages) in a temporary data directory on a free
# port, headless Chromium for the browser tests, and a real OpenID Connect provider (the
# `oidc-provider` package from npm, run with Debian's Node.js, from tests/oidc-provider/) on
# another free port. Arguments are passed to `cargo test`.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -p goldthread-store
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_packages=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need_packages+=(postgresql)
command -v chromium >/dev/null || need_packages+=(chromium chromium-driver fonts-dejavu-core)
command -v node >/dev/null || need_packages+=(nodejs)
command -v npm >/dev/null || need_packages+=(npm)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "==> installing ${need_packages[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# A private PostgreSQL cluster: its own directory, its own port, trust auth on loopback only.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/goldthread-pg.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pg() {
  # PostgreSQL refuses to run as root; use its own system account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
oidc_pid=
cleanup() {
  if [ -n "$oidc_pid" ]; then kill "$oidc_pid" 2>/dev/null || true; wait "$oidc_pid" 2>/dev/null || true; fi
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
echo "==> starting PostgreSQL ($("$pg_bin/postgres" --version)) on 127.0.0.1:$port"
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
export GOLDTHREAD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"

# A real OpenID Connect provider for the sign-in tests, on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
echo "==> starting the test OpenID Connect provider (Node.js $(node --version))"
(cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
oidc_port=$(free_port)
node tests/oidc-provider/server.js "$oidc_port" >"$pg_dir/oidc-provider.log" 2>&1 &
oidc_pid=$!
export GOLDTHREAD_TEST_OIDC_ISSUER="http://127.0.0.1:$oidc_port"
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/.well-known/openid-configuration', timeout=1)" "$GOLDTHREAD_TEST_OIDC_ISSUER" 2>/dev/null; then break; fi
  kill -0 "$oidc_pid" 2>/dev/null || { cat "$pg_dir/oidc-provider.log"; echo "the OpenID Connect provider did not start" >&2; exit 1; }
  sleep 0.2
done

export GOLDTHREAD_CHROMIUM="${GOLDTHREAD_CHROMIUM:-$(command -v chromium || true)}"

if [ $# -eq 0 ]; then set -- --workspace; fi
echo "==> cargo test $*"
cargo test "$@"
