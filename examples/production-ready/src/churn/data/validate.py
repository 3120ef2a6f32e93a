"""Pipeline stage `validate`: check the raw extract against the schema before anything reads it."""

from __future__ import annotations

import argparse
import sys

import pandas as pd
import pandera.errors

from churn.data.schema import RawCustomers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_csv")
    args = parser.parse_args(argv)
    frame = pd.read_csv(args.raw_csv)
    try:
        RawCustomers.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        print(exc.failure_cases.head(20).to_string(), file=sys.stderr)
        return 1
    print(f"{args.raw_csv}: {len(frame)} rows valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
