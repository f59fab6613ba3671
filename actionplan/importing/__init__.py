"""Importing plans from spreadsheets: read safely, preview, then write in one transaction.

safety.py refuses hostile files before parsing; reader.py (workbooks, CSV) and wordread.py
(Word) turn a file into rows, which sheets.py reads (headings, themes, checks); plan_diff.py
compares the rows with the plan (the preview); apply.py writes them. See docs/import.md.
"""
