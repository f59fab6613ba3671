"""Importing plans from spreadsheets: read safely, preview, then write in one transaction.

safety.py refuses hostile files before parsing; reader.py turns a file into rows; plan_diff.py
compares the rows with the plan (the preview); apply.py writes them. See docs/import.md.
"""
