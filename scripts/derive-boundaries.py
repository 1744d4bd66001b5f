#!/usr/bin/env python3
"""Derive the small boundary files goldthread ships in data/boundaries/ from the ONS boundary
TopoJSON in ../shared/data/boundaries (see its PROVENANCE.md).

For each geography the shared arcs are decoded, simplified once each (Douglas-Peucker, endpoints
kept, so neighbouring areas keep identical borders and no slivers open), rounded to 3 decimal
places (about 100 m, finer than an inline SVG map can show) and written as GeoJSON
FeatureCollections with just `code` and `name` properties:

  lad24.geojson     local authority districts, May 2024 (England)
  county23.geojson  county councils (E10), December 2023
  icb23.geojson     integrated care boards, April 2023 (the same 42 codes as 2024)

Usage: python3 scripts/derive-boundaries.py [--shared DIR]   (default ../shared, or $GOLDTHREAD_SHARED)
"""
import argparse
import json
import os
import sys

TOLERANCE = 0.0012  # degrees, about 100 m
DECIMALS = 3

SOURCES = [
    ("lad24_bsc_en.topo.json", "lad24", "LAD24CD", "LAD24NM", "lad24.geojson", lambda c: True),
    ("ctyua23_bsc_en.topo.json", "ctyua23", "CTYUA23CD", "CTYUA23NM", "county23.geojson",
     lambda c: c.startswith("E10")),
    ("icb23_bsc_en.topo.json", "icb23", "ICB23CD", "ICB23NM", "icb23.geojson", lambda c: True),
]


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def perpendicular(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(pts, tol):
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, None
        for k in range(i + 1, j):
            d = perpendicular(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx is not None and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(pts, keep) if k]


def ring(arc_ids, arcs):
    out = []
    for i in arc_ids:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    rounded = []
    for x, y in out:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    return rounded if len(rounded) >= 4 else None


def geometry(g, arcs):
    polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
    out = []
    for poly in polys:
        rings = [r for r in (ring(ids, arcs) for ids in poly) if r]
        if rings:
            out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("GOLDTHREAD_SHARED", "../shared"))
    ap.add_argument("--out", default="data/boundaries")
    args = ap.parse_args()
    src = os.path.join(args.shared, "data", "boundaries")
    os.makedirs(args.out, exist_ok=True)
    for fname, obj, code_key, name_key, out_name, wanted in SOURCES:
        with open(os.path.join(src, fname)) as f:
            topo = json.load(f)
        arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topo)]
        features = []
        for g in topo["objects"][obj]["geometries"]:
            code = g["properties"][code_key]
            if not wanted(code):
                continue
            features.append({
                "type": "Feature",
                "properties": {"code": code, "name": g["properties"][name_key]},
                "geometry": geometry(g, arcs),
            })
        features.sort(key=lambda f: f["properties"]["code"])
        path = os.path.join(args.out, out_name)
        with open(path, "w") as f:
            json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {len(features)} areas, {os.path.getsize(path) // 1024} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
