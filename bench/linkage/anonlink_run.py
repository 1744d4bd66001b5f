"""clkhash encodings and anonlink matching on two files: left right out.csv.
Encodes with clkhash (CLKs of 1024 bits, bigrams of names and address,
positional unigrams of the date), then anonlink compares every pair
(no blocking) above a Dice threshold and solves greedily."""
import sys
import time

import anonlink
from clkhash import clk
from clkhash.schema import from_json_dict

import prep

left_path, right_path, out_path = sys.argv[1:4]
threshold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.8


def feature(name, n=2, bits=15, positional=False):
    return {
        "identifier": name,
        "format": {"type": "string", "encoding": "utf-8"},
        "hashing": {
            "comparison": {"type": "ngram", "n": n, "positional": positional},
            "strategy": {"bitsPerToken": bits},
            "hash": {"type": "blakeHash"},
        },
    }


FIELDS = ["given_name", "surname", "date_of_birth", "sex", "address_line_1", "postcode"]
schema = from_json_dict({
    "version": 3,
    "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64}},
    "features": [
        feature("given_name"), feature("surname"),
        feature("date_of_birth", n=1, bits=20, positional=True),
        feature("sex", n=1, bits=20), feature("address_line_1", bits=8), feature("postcode", bits=15),
    ],
})
t0 = time.time()
left, right = prep.read(left_path), prep.read(right_path)
idc = prep.id_column(left)
clks = []
for df in (left, right):
    rows = df[FIELDS].fillna("").values.tolist()
    clks.append(clk.generate_clks(rows, schema, "shared secret", validate=False))
t1 = time.time()
candidates = anonlink.candidate_generation.find_candidate_pairs(
    clks, anonlink.similarities.dice_coefficient_accelerated, threshold
)
groups = anonlink.solving.greedy_solve(candidates)
t2 = time.time()
with open(out_path, "w") as f:
    f.write("left_id,right_id\n")
    for g in groups:
        recs = sorted(g)
        if len(recs) == 2 and recs[0][0] == 0 and recs[1][0] == 1:
            f.write(f"{left[idc].iloc[recs[0][1]]},{right[idc].iloc[recs[1][1]]}\n")
print(f"encode {t1 - t0:.1f}s match {t2 - t1:.1f}s")
