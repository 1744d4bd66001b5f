#!/usr/bin/env bash
# The directory search benchmark: loads SERVICES synthetic services (default 100,000) into a
# private PostgreSQL and into SQLite, serves each with `goldthread serve`, runs wrk at 64
# connections against a mix of directory searches, and prints p50, p99, requests/s and the CPU
# time per request of the server and of the database (from /proc, so it means something on a
# busy machine too), PostgreSQL and SQLite side by side.
#
#   bench/directory/run.sh [SERVICES] [SECONDS]       # release build (default)
#   PROFILE=dev bench/directory/run.sh                # reuse a debug build
#
# The searches are what residents and officers type: words within a council area, a type of
# service within an area, and words alone across England; and some full records opened.
set -euo pipefail
cd "$(dirname "$0")/../.."
services=${1:-100000}
seconds=${2:-20}
profile=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-target}
here=bench/directory

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

flag=--release; dir=release
if [ "$profile" = dev ]; then flag=; dir=debug; fi
cargo build $flag -q -p goldthread-demo --example load_directory
loader="$target/$dir/examples/load_directory"

work=$(mktemp -d "${TMPDIR:-/tmp}/goldthread-bench.XXXXXX")
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  run_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pg_port=$(free_port)
run_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start >/dev/null

# Searches: words within an area, a type of service within an area, words alone.
python3 - "$work/paths.txt" "$services" <<'PY'
import csv, sys, uuid
ns = uuid.UUID("9c1f3e0a-55d4-4b8e-93a7-0e6c2d41b8f3")
terms = ["leisure", "housing_options", "dfg", "warm_homes", "debt_advice", "social_prescribing",
         "homelessness_prevention", "benefits_advice", "carers_support", "falls_prevention"]
term_ids = [uuid.uuid5(ns, "taxonomy term id:" + t) for t in terms]
areas = [r["code"] for r in csv.DictReader(open("data/reference/authorities_2024.csv"))]
words = ["debt+advice", "swimming", "warm+homes", "carers", "housing+advice", "social+prescribing",
         "disabled+facilities+grants", "loneliness+group", "benefits", "falls"]
out = []
for i, a in enumerate(areas):
    out.append(f"/services?text={words[i % len(words)]}&service_area={a}")
    out.append(f"/services?taxonomy_term_id={term_ids[i % len(term_ids)]}&service_area={a}")
    out.append(f"/services?text={words[(i * 3) % len(words)]}+{words[(i * 7) % len(words)].split('+')[0]}")
    # One full record in every three areas: a resident opening a result.
    if i % 3 == 0:
        key = (i * 7919) % int(sys.argv[2])
        out.append(f"/services/{uuid.uuid5(ns, f'service id:bench/{key}')}")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
export BENCH_PATHS="$work/paths.txt"

# CPU seconds (user + system) used so far by a process and, with children=1, its children.
cpu_ticks() {
  local pid=$1 children=${2:-0} total=0 p
  local pids=("$pid")
  [ "$children" = 1 ] && pids+=($(ps -o pid= --ppid "$pid"))
  for p in "${pids[@]}"; do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
pg_pid() { head -n 1 "$work/pg/postmaster.pid"; }

run_backend() {
  local name=$1 url=$2 port
  echo "==> $name: loading $services services" >&2
  "$loader" "$url" "$services" >/dev/null
  port=$(free_port)
  RUST_LOG=warn "$loader" serve "$url" "127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  wrk -t2 -c64 -d5s -s "$here/requests.lua" "http://127.0.0.1:$port" >/dev/null   # warm up
  local line s0 s1 d0=0 d1=0
  s0=$(cpu_ticks "$server")
  [ "$name" = postgres ] && d0=$(cpu_ticks "$(pg_pid)" 1)
  line=$(wrk -t2 -c64 -d"${seconds}s" -s "$here/requests.lua" "http://127.0.0.1:$port" | grep '^RESULT')
  s1=$(cpu_ticks "$server")
  [ "$name" = postgres ] && d1=$(cpu_ticks "$(pg_pid)" 1)
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  echo "$name $line server_ticks=$((s1 - s0)) db_ticks=$((d1 - d0)) hz=$(getconf CLK_TCK)"
}

pg=$(run_backend postgres "postgres://postgres@127.0.0.1:$pg_port/postgres")
sq=$(run_backend sqlite "sqlite://$work/bench.db")
echo
echo "Directory search, $services services, wrk 64 connections, ${seconds}s, $profile build"
printf '%-10s %10s %10s %12s %10s %8s %16s %12s\n' backend p50_ms p99_ms requests/s requests \
  errors server_cpu_ms/req db_cpu_ms/req
for line in "$pg" "$sq"; do
  python3 -c '
import sys
name, _, rest = sys.argv[1].partition(" RESULT ")
kv = dict(p.split("=") for p in rest.split())
cols = [kv[k] for k in ("p50_ms", "p99_ms", "rps", "requests", "errors")]
n, hz = max(int(kv["requests"]), 1), int(kv["hz"])
cpu = ["%.3f" % (int(kv[k]) * 1000 / hz / n) for k in ("server_ticks", "db_ticks")]
print("%-10s %10s %10s %12s %10s %8s %16s %12s" % tuple([name] + cols + cpu))
' "$line"
done
