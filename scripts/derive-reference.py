#!/usr/bin/env python3
"""Derive goldthread's shipped reference geography from the ONS files in ../shared.

Reads (ONS Open Geography Portal / Census, Open Government Licence v3.0):
  data/geography/lad24_master_en.csv          one row per English LAD (April 2024)
  data/geography/lad24_icb24_lsoa_split_en.csv LAD x ICB pairs with LSOA-count shares
  data/geography/icb24_en.csv                 the 42 ICBs (April 2024)

Writes (into data/reference/ of this repository):
  authorities_2024.csv   every English local authority: 296 LADs and the 21 county councils
  icbs_2024.csv          the 42 integrated care boards
  authority_icb_2024.csv which ICB(s) each LAD falls in, with the share of its LSOAs in each

Standard library only, deterministic output: run it again and git shows no change.
Usage: python3 scripts/derive-reference.py [--shared ../shared] [--out data/reference]
"""
import argparse
import csv
import os
import sys

TIERS = {
    "non-metropolitan district": "district",
    "metropolitan district": "metropolitan",
    "London borough": "london_borough",
    "unitary authority": "unitary",
}


def tier_of(lad_type):
    # Sui generis authorities (City of London, Isles of Scilly) carry a note in brackets.
    base = lad_type.split(" (")[0]
    if base not in TIERS:
        sys.exit(f"unknown LAD24_TYPE {lad_type!r}")
    return TIERS[base]


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(repo, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(repo, "data", "reference"))
    args = ap.parse_args()
    geo = os.path.join(args.shared, "data", "geography")

    master = read(os.path.join(geo, "lad24_master_en.csv"))
    split = read(os.path.join(geo, "lad24_icb24_lsoa_split_en.csv"))
    icbs = read(os.path.join(geo, "icb24_en.csv"))

    authorities = []
    counties = {}
    for r in master:
        tier = tier_of(r["LAD24_TYPE"])
        upper = r["UTLA23CD"] if tier == "district" else r["LAD24CD"]
        if tier == "district":
            c = counties.setdefault(
                r["UTLA23CD"],
                {"name": r["UTLA23NM"], "region": set(), "mid": 0, "census": 0},
            )
            c["region"].add((r["RGN24CD"], r["RGN24NM"]))
            c["mid"] += round(float(r["mid2020_persons"]))
            c["census"] += int(r["census2021_persons"])
        authorities.append(
            [
                r["LAD24CD"], r["LAD24NM"], tier, upper, r["RGN24CD"], r["RGN24NM"],
                str(round(float(r["mid2020_persons"]))) if r["mid2020_persons"] else "",
                r["census2021_persons"],
            ]
        )
    for code, c in counties.items():
        if len(c["region"]) != 1:
            sys.exit(f"county {code} spans regions {c['region']}")
        (rgn_cd, rgn_nm), = c["region"]
        authorities.append(
            [code, c["name"], "county", code, rgn_cd, rgn_nm, str(c["mid"]), str(c["census"])]
        )
    authorities.sort(key=lambda a: a[0])

    shares = []
    for r in split:
        share = int(r["n_lsoa21"]) / int(r["lad_total_lsoa21"])
        shares.append(
            [r["LAD24CD"], r["ICB24CD"], r["n_lsoa21"], r["lad_total_lsoa21"], f"{share:.6f}"]
        )
    shares.sort(key=lambda s: (s[0], -int(s[2]), s[1]))

    icb_rows = sorted(
        [[r["ICB24CD"], r["ICB24CDH"], r["ICB24NM"], r["ICB22CD"]] for r in icbs]
    )

    os.makedirs(args.out, exist_ok=True)

    def write(name, header, rows):
        with open(os.path.join(args.out, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        print(f"wrote {name}: {len(rows)} rows")

    write(
        "authorities_2024.csv",
        ["code", "name", "tier", "upper_tier_code", "region_code", "region_name",
         "population_mid2020", "population_census2021"],
        authorities,
    )
    write("icbs_2024.csv", ["code", "ods_code", "name", "code_2022"], icb_rows)
    write(
        "authority_icb_2024.csv",
        ["authority_code", "icb_code", "lsoa_count", "authority_lsoa_count", "share"],
        shares,
    )


if __name__ == "__main__":
    main()
