"""Runs goldthread, Splink and anonlink on the same files and prints one table."""
import argparse
import csv
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
GT = os.environ.get("GOLDTHREAD_BIN", "goldthread")
ROWS = []


CPU = {}


def timed(cmd, log):
    """Runs a command under /usr/bin/time; returns (wall seconds, peak MiB, stdout).
    The CPU seconds (user + system) of the run are kept in CPU[log]."""
    full = ["/usr/bin/time", "-f", "BENCHTIME %e %M %U %S"] + cmd
    p = subprocess.run(full, capture_output=True, text=True, cwd=HERE)
    with open(log, "w") as f:
        f.write(p.stdout + "\n" + p.stderr)
    m = re.search(r"BENCHTIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)", p.stderr)
    if p.returncode != 0 or not m:
        print(f"  FAILED: {' '.join(cmd)} (see {log})", file=sys.stderr)
        return None, None, p.stdout
    CPU[log] = float(m.group(3)) + float(m.group(4))
    return float(m.group(1)), int(m.group(2)) / 1024, p.stdout


def read_pairs(path):
    with open(path) as f:
        r = csv.reader(f)
        next(r, None)
        return {(a.strip(), b.strip()) for a, b, *_ in r}


def quality(pairs_path, truth):
    if not os.path.exists(pairs_path):
        return None, None, None
    pred = read_pairs(pairs_path)
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def record(case, tool, size, wall, mem, q, cand=None, note="", cpu=None):
    per_m = f"{wall / (cand / 1e6):.2f}" if wall and cand else ""
    ROWS.append([case, tool, size, wall, cpu, mem, *q, cand or "", per_m, note])
    print(f"  {tool:<22} {size:<14} {wall if wall is not None else '-':>8} s  F1 {q[2] if q[2] is not None else '-'}", file=sys.stderr)


def candidates(stdout):
    m = re.search(r"candidate pairs: (\d+)", stdout)
    return int(m.group(1)) if m else None


def goldthread_plain(case, d, size, truth):
    out = f"{d}/gt_pairs.csv"
    log = f"{d}/gt.log"
    wall, mem, so = timed([GT, "link", "pairs", f"{d}/left.csv", f"{d}/right.csv", "--threshold", "0.5",
                           "--one-to-one", "--out", out], log)
    record(case, "goldthread", size, wall, mem, quality(out, truth), candidates(so), cpu=CPU.get(log))


def goldthread_encoded(case, d, size, truth):
    key = f"{d}/secret"
    with open(key, "w") as f:
        f.write("benchmark secret shared by the partners")
    spec = f"{d}/spec.toml"
    subprocess.run([GT, "link", "spec", f"{d}/left.csv"], stdout=open(spec, "w"), check=True)
    enc_wall, enc_cpu, enc_mem = 0.0, 0.0, 0.0
    for side in ("left", "right"):
        log = f"{d}/gt_encode_{side}.log"
        w, m, _ = timed([GT, "link", "encode", f"{d}/{side}.csv", "--secret-file", key, "--spec", spec,
                         "--out", f"{d}/{side}.enc.parquet"], log)
        enc_wall += w or 0.0
        enc_cpu += CPU.get(log, 0.0)
        enc_mem = max(enc_mem, m or 0.0)
    out = f"{d}/gt_enc_pairs.csv"
    log = f"{d}/gt_enc.log"
    wall, mem, so = timed([GT, "link", "pairs", "--encoded", f"{d}/left.enc.parquet", f"{d}/right.enc.parquet",
                           "--threshold", "0.5", "--one-to-one", "--out", out], log)
    q = quality(out, truth)
    record(case, "goldthread-encoded hub", size, wall, mem, q, candidates(so), cpu=CPU.get(log),
           note=f"partners' encoding: {enc_wall:.1f}s wall, {enc_cpu:.1f}s CPU")
    if wall is not None:
        record(case, "goldthread-encoded total", size, enc_wall + wall, max(mem, enc_mem), q,
               candidates(so), cpu=enc_cpu + CPU.get(log, 0.0), note="both partners' encode + hub")


def splink(case, d, size, truth, kind="synth"):
    out = f"{d}/splink_pairs.csv"
    log = f"{d}/splink.log"
    wall, mem, _ = timed([PY, "splink_run.py", f"{d}/left.csv", f"{d}/right.csv", out, kind], log)
    record(case, "splink (duckdb)", size, wall, mem, quality(out, truth), cpu=CPU.get(log))


def anonlink(case, d, size, truth):
    out = f"{d}/anonlink_pairs.csv"
    log = f"{d}/anonlink.log"
    wall, mem, so = timed([PY, "anonlink_run.py", f"{d}/left.csv", f"{d}/right.csv", out], log)
    record(case, "anonlink+clkhash", size, wall, mem, quality(out, truth), note=so.strip(), cpu=CPU.get(log))


def synth(out, n, overlap, seed=1):
    d = f"{out}/synth_{n}_{overlap}"
    if not os.path.exists(f"{d}/truth.csv"):
        subprocess.run([GT, "link", "synth", "--n", str(n), "--seed", str(seed), "--overlap", str(overlap),
                        "--out", d], check=True, capture_output=True)
    return d, read_pairs(f"{d}/truth.csv")


def febrl(out, src):
    d = f"{out}/febrl4"
    os.makedirs(d, exist_ok=True)
    for a, b in (("dataset4a.csv", "left.csv"), ("dataset4b.csv", "right.csv")):
        with open(f"{src}/{a}") as f, open(f"{d}/{b}", "w") as g:
            g.write(f.read())
    return d, {(f"rec-{i}-org", f"rec-{i}-dup-0") for i in range(5000)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", choices=["small", "full", "big"],
                    help="small (default): 10k checks; full: the target sizes; big: adds 1M and 10M x 10M")
    ap.add_argument("--goldthread-only", action="store_true", help="skip Splink and anonlink")
    ap.add_argument("--out", required=True)
    ap.add_argument("--febrl", required=True)
    a = ap.parse_args()
    full = "full" in a.sizes
    others = not a.goldthread_only

    print("FEBRL 4 (5,000 x 5,000)", file=sys.stderr)
    d, t = febrl(a.out, a.febrl)
    goldthread_plain("febrl4", d, "5k x 5k", t)
    if others:
        splink("febrl4", d, "5k x 5k", t, kind="febrl")

    n = 200_000 if full else 10_000
    print(f"synthetic {n} x {n}", file=sys.stderr)
    d, t = synth(a.out, n, 0.8)
    goldthread_plain("synthetic", d, f"{n//1000}k x {n//1000}k", t)
    goldthread_encoded("synthetic", d, f"{n//1000}k x {n//1000}k", t)
    if others:
        splink("synthetic", d, f"{n//1000}k x {n//1000}k", t)

    n = 100_000 if full else 10_000
    print(f"encoded {n} x {n} against anonlink", file=sys.stderr)
    d, t = synth(a.out, n, 0.8)
    if full:
        goldthread_plain("encoded vs anonlink", d, f"{n//1000}k x {n//1000}k", t)
        goldthread_encoded("encoded vs anonlink", d, f"{n//1000}k x {n//1000}k", t)
    if others:
        anonlink("encoded vs anonlink", d, f"{n//1000}k x {n//1000}k", t)

    n = 50_000 if full else 10_000
    print(f"partial overlap {n} x {n}, 30% of right have a partner", file=sys.stderr)
    d, t = synth(a.out, n, 0.3)
    goldthread_plain("partial overlap 30%", d, f"{n//1000}k x {n//1000}k", t)
    goldthread_encoded("partial overlap 30%", d, f"{n//1000}k x {n//1000}k", t)
    if others:
        splink("partial overlap 30%", d, f"{n//1000}k x {n//1000}k", t)
        anonlink("partial overlap 30%", d, f"{n//1000}k x {n//1000}k", t)

    if "big" in a.sizes:
        for n in (1_000_000, 10_000_000):
            print(f"synthetic {n} x {n}, goldthread only", file=sys.stderr)
            d, t = synth(a.out, n, 0.8)
            goldthread_plain("scale", d, f"{n//1_000_000}M x {n//1_000_000}M", t)

    print_table()


def print_table():
    head = ["case", "tool", "size", "wall s", "CPU s", "peak MiB", "precision", "recall", "F1", "candidates",
            "s per M cand", "note"]
    fmt = lambda v: f"{v:.4f}" if isinstance(v, float) and v <= 1.0 and v >= 0 and not isinstance(v, bool) else str(v)
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in ROWS:
        case, tool, size, wall, cpu, mem, p, rc, f, cand, per_m, note = r
        cells = [case, tool, size, f"{wall:.2f}" if wall is not None else "failed",
                 f"{cpu:.2f}" if cpu is not None else "", f"{mem:.0f}" if mem is not None else "", fmt(p) if p is not None else "",
                 fmt(rc) if rc is not None else "", fmt(f) if f is not None else "", str(cand), per_m, note]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
