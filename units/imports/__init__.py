"""CSV imports of units and accounts, with per-row verdicts.

csvfile holds the reading and the report both share; unit_csv and account_csv
decide what one row means.
"""
