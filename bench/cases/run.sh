#!/usr/bin/env bash
# The case-worker benchmark on a private PostgreSQL: WORKERS concurrent case workers (default
# 1,000) for SECONDS (default 120) with a think time of THINK_MS (default 3,000) between
# requests; prints p50/p95/p99 per request type, requests/s and CPU ms per request.
#
# A think time of 3 s (each worker acting every 1.5 to 4.5 s, about 330 requests a second
# from 1,000 workers) is already several times faster than people work a case list; 1,000 ms
# (about 900 requests a second) is the stress point where PostgreSQL, the server and the
# 1,000 simulated browsers saturate a 2-core machine between them.
#
#   bench/cases/run.sh [WORKERS] [SECONDS] [THINK_MS]    # release build (default)
#   PROFILE=dev bench/cases/run.sh 100 10                # a smoke run on a debug build
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${PROFILE:-release}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
flag=--release
if [ "$profile" = dev ]; then flag=; fi
cargo build $flag -q -p goldthread-bench-cases

work=$(mktemp -d "${TMPDIR:-/tmp}/goldthread-bench-cases.XXXXXX")
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start >/dev/null
GOLDTHREAD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres" \
  cargo run $flag -q -p goldthread-bench-cases -- "$@"
