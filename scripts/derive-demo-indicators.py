#!/usr/bin/env python3
"""Derives the Norfolk and Waveney demo's indicator extract from the shared Fingertips files.

Keeps, byte for byte, the header and the rows for England and the demo ICS's districts
(the seven Norfolk districts, East Suffolk, and before April 2019 Waveney and Suffolk Coastal)
from each file, so the demo imports them through the same Fingertips importer as any export.
Source: OHID Fingertips, Open Government Licence v3.0 (see the shared indicators PROVENANCE.md).

Healthy life expectancy is left out: Fingertips publishes it for upper-tier areas only.

Usage: scripts/derive-demo-indicators.py [SHARED_DIR]   (default ../shared, or $GOLDTHREAD_SHARED)
"""
import csv
import io
import os
import sys

AREAS = {
    "E92000001",  # England
    "E07000143", "E07000144", "E07000145", "E07000146", "E07000147", "E07000148", "E07000149",
    "E07000244",  # East Suffolk (from April 2019)
    "E07000205", "E07000206",  # Suffolk Coastal and Waveney (before April 2019)
}

FILES = [
    "fingertips_export_2020-03_district_ua_pre419_prevalence_estimates.csv",
    "trafforddatalab_fingertips_life_expectancy.csv",
    "trafforddatalab_fingertips_inactive_adults.csv",
    "trafforddatalab_fingertips_overweight_adult.csv",
    "trafforddatalab_fingertips_adults_smoking.csv",
    "trafforddatalab_fingertips_mortality_rate.csv",
    "trafforddatalab_fingertips_inequality_life_expectancy.csv",
]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shared = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "GOLDTHREAD_SHARED", os.path.join(root, "..", "shared"))
    src_dir = os.path.join(shared, "data", "indicators")
    out_dir = os.path.join(root, "data", "indicators", "norfolk-and-waveney")
    os.makedirs(out_dir, exist_ok=True)
    for name in FILES:
        with open(os.path.join(src_dir, name), newline="", encoding="utf-8") as f:
            text = f.read()
        lines = text.splitlines(keepends=True)
        header = lines[0]
        code_col = next(csv.reader([header])).index(
            "Area Code" if "Area Code" in header else "area_code")
        kept = [header]
        for line in lines[1:]:
            row = next(csv.reader(io.StringIO(line)))
            # Inequality breakdown rows of the full export are skipped by the importer; keep
            # the extract small by leaving them out here.
            if row[code_col] in AREAS and not (len(row) > 9 and "Category Type" in header and row[9]):
                kept.append(line)
        with open(os.path.join(out_dir, name), "w", newline="", encoding="utf-8") as f:
            f.writelines(kept)
        print(f"{name}: {len(kept) - 1} rows")


if __name__ == "__main__":
    main()
