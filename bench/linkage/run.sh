#!/usr/bin/env bash
# Linkage benchmark: goldthread against Splink (DuckDB) and anonlink/clkhash
# on the same files. Prints one table: tool, size, wall time, peak memory,
# precision, recall, F1 (and time per million candidate pairs for goldthread).
#
#   bench/linkage/run.sh            # small sizes, to check the harness (a few minutes)
#   bench/linkage/run.sh full       # the target sizes (FEBRL 4, 200k, 100k encoded, 50k partial overlap)
#   bench/linkage/run.sh full big   # also 1M and 10 million x 10 million, goldthread only
#   bench/linkage/run.sh --goldthread-only   # goldthread rows only (no Python environment)
#
# GOLDTHREAD_BIN overrides the binary (default: a release build of the workspace).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
py="$venv/bin/python"
case " $* " in
    *" --goldthread-only "*) py=python3 ;;
esac
if [ "$py" != python3 ] && [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet splink duckdb anonlink clkhash pandas
fi
if [ -z "${GOLDTHREAD_BIN:-}" ]; then
    (cd "$root" && cargo build --release -p goldthread --quiet)
    GOLDTHREAD_BIN="${CARGO_TARGET_DIR:-$root/target}/release/goldthread"
fi
export GOLDTHREAD_BIN
mkdir -p "$here/out"
exec "$py" "$here/bench.py" --out "$here/out" --febrl "$root/../shared/data/febrl" "$@"
