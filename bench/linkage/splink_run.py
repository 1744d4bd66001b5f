"""Splink (DuckDB backend) on two files: left right out.csv kind(febrl|synth).
Prints the number of candidate pairs. Standard configuration as in Splink's
own examples: name, date-of-birth and postcode comparisons, u by random
sampling, m by EM on two blocking rules, threshold 0.5."""
import sys
import time

import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI

import prep

left_path, right_path, out_path, kind = sys.argv[1:5]
t0 = time.time()
left, right = prep.read(left_path), prep.read(right_path)
idc = prep.id_column(left)
for df in (left, right):
    df.replace("", None, inplace=True)

if kind == "febrl":
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
    ]
    rules = [
        block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
        block_on("soc_sec_id"), block_on("state", "address_1"), block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    em_rules = [block_on("date_of_birth"), block_on("surname")]
else:
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.JaroWinklerAtThresholds("address_line_1", [0.9, 0.8]),
        cl.PostcodeComparison("postcode"),
    ]
    rules = [
        block_on("date_of_birth", "substr(surname, 1, 1)"),
        block_on("date_of_birth", "substr(given_name, 1, 1)"),
        block_on("surname", "given_name"),
        block_on("postcode", "substr(given_name, 1, 1)"),
    ]
    em_rules = [block_on("given_name", "surname"), block_on("date_of_birth")]

settings = SettingsCreator(
    link_type="link_only",
    unique_id_column_name=idc,
    comparisons=comparisons,
    blocking_rules_to_generate_predictions=rules,
    retain_intermediate_calculation_columns=False,
)
db = DuckDBAPI()
linker = Linker([db.register(left, table_name="l"), db.register(right, table_name="r")], settings, log_level=40)
linker.training.estimate_probability_two_random_records_match(
    [block_on("given_name", "surname", "date_of_birth")], recall=0.7
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
for r in em_rules:
    linker.training.estimate_parameters_using_expectation_maximisation(r)
pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
l_col, r_col = f"{idc}_l", f"{idc}_r"
pred = pred.rename(columns={l_col: "left_id", r_col: "right_id"})
# Put each pair as (left file id, right file id).
left_ids = set(left[idc])
swap = ~pred["left_id"].isin(left_ids)
pred.loc[swap, ["left_id", "right_id"]] = pred.loc[swap, ["right_id", "left_id"]].values
pred[["left_id", "right_id", "match_probability", "match_weight"]].to_csv(out_path, index=False)
print(f"pairs {len(pred)} seconds {time.time() - t0:.1f}")
