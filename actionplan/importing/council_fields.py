"""A council row's values beyond one cell each: notes, council wording, revised and written dates.

- **Notes.** A Notes column, columns kept in the notes ("Comments: …" under their heading)
  and words that could not be read (an unknown status) go into the action's notes, so nothing
  is dropped.
- **Status.** The council's own words (values.STATUSES). Without a Status column, a status
  the Progress text opens with ("Completed – SCM Summer edition") is the status. An unknown
  status is a warning on the row, its words kept in the notes; the row is still imported.
- **RAG** from the RAG cell, or the cell's colour when it has no words.
- **Revised target.** A Revised date column: the target becomes the revised one with the
  reason "Revised in <file name>", the original target kept beside it (services).
- **Dates written in the text** date the progress update and, for a completed action, the
  completion (textdates.py); only when nothing is written is the import day used, and the
  row says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from actionplan.importing import values as cells
from actionplan.importing.columns import key
from actionplan.importing.rows import RowPlan
from actionplan.importing.sheets import SourceRow, SourceSheet
from actionplan.importing.textdates import reported_date


def revised_reason(filename: str) -> str:
    return f"Revised in {filename}"[:200]


def read_council_fields(plan: RowPlan, sheet: SourceSheet, row: SourceRow, filename: str) -> None:
    """Fill in what plan_diff's simple readers leave to council sheets (after them)."""
    v, columns = row.values, sheet.columns
    notes: list[str] = []
    if cells.text(v.get("notes")).strip():
        notes.append(cells.text(v["notes"]).strip())
    notes += [f"{heading}: {words}" for heading, words in v.get("kept", [])]
    _status(plan, v, columns, notes)
    if v.get("rag_colour") and not plan.fields.get("rag"):
        plan.fields["rag"] = v["rag_colour"]
    revised = cells.text(v.get("revised_target")).strip()
    if revised:
        original = plan.fields.get("target", "")
        plan.fields["target"] = revised
        plan.target_reason = revised_reason(filename)
        if original and original != revised:
            plan.original_target = original
    if notes:
        plan.fields["notes"] = "\n".join(notes)


def _status(plan: RowPlan, v: dict[str, Any], columns: dict[str, str], notes: list[str]) -> None:
    written = v.get("status")
    if "status" in columns and written is not None:
        status, error = cells.status_of(written)
        rag, rag_error = cells.rag_of(written)
        if status is not None:
            plan.fields["status"] = status
        elif not rag_error and "rag" not in columns:
            plan.fields["rag"] = rag  # a RAG colour written in the Status column
        else:
            plan.messages.append(
                f"Status “{cells.text(written)}” is not one this system knows: the status is "
                "left as it is and the words are kept in the action's notes."
            )
            notes.append(f"{columns['status']}: {cells.text(written)}")
        if key(cells.text(written)) in cells.REVISED_STATUSES and not v.get("revised_target"):
            plan.messages.append(
                "The status says the completion date was revised: the target in the file is "
                "taken as the revised one (the file gives no original)."
            )
    elif "status" not in columns and v.get("progress") is not None:
        status = cells.status_in_progress(v["progress"])
        if status is not None:
            plan.fields["status"] = status
    rag = v.get("rag")
    if "rag" in columns and rag is not None and cells.rag_of(rag)[1]:
        plan.fields.pop("rag", None)  # the RAG is left as it is
        plan.messages.append(
            f"RAG “{cells.text(rag)}” is not red, amber or green: it is kept in the notes."
        )
        notes.append(f"{columns['rag']}: {cells.text(rag)}")


def date_progress(plan: RowPlan, today: date) -> None:
    """Date the row's progress text from what it says, when no date column gave one."""
    if not plan.progress or plan.progress_on is not None:
        return
    written = reported_date(plan.progress, today)
    if written is not None:
        plan.progress_on, plan.progress_written = written.day, written.as_written
    else:
        plan.notes_on_dates.append(
            "Progress update dated the import day: no date is written in it."
        )


def completion_date(plan: RowPlan, today: date) -> date:
    """The day a completed action was finished: from its progress text, else the import day."""
    written = reported_date(plan.progress, today) if plan.progress else None
    if plan.progress_on is not None and plan.progress_on <= today:
        return plan.progress_on
    if written is not None:
        return written.day
    plan.notes_on_dates.append("Completed on the import day: no completion date is written.")
    plan.completion_import_day = True
    return today
