"""Shared input handling for the Python tools: read CSV as text, normalise
dates of birth to ISO (inputs mix dd/mm/yyyy and yyyy-mm-dd) and lower-case
names, so Splink and anonlink see the same cleaned values."""
import pandas as pd


def read(path):
    df = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip()
    if "date_of_birth" in df.columns:
        raw = df["date_of_birth"]
        iso = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        uk = pd.to_datetime(raw, format="%d/%m/%Y", errors="coerce")
        compact = pd.to_datetime(raw, format="%Y%m%d", errors="coerce")
        d = iso.fillna(uk).fillna(compact)
        df["date_of_birth"] = d.dt.strftime("%Y-%m-%d").fillna("")
    for c in ("given_name", "surname", "address_line_1", "town", "address_1", "address_2", "suburb"):
        if c in df.columns:
            df[c] = df[c].str.lower()
    return df


def id_column(df):
    return "rec_id" if "rec_id" in df.columns else "id"
