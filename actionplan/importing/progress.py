"""Rows of our own workbook's Progress sheet: new progress updates, and the ones already on record.

The report workbook's Progress sheet lists each action's updates with a hidden *Update id*
(docs/workbook.md). An officer records a new update by adding a row without an Update id:
the action's *Action id* (or its *Full reference*), *Reported on* (today when blank), the
*Progress* text and, if they like, *Status reported*, *RAG reported*, *% complete reported*,
*No change*, *Date as written* and *Reported by*. Importing records it through
`services.action_record_progress`, as the progress form does, so what it reports is carried
onto the action. A row whose text the action's updates already say is left alone (importing
the same file twice records it once).

Progress history is not edited by import: a row with an Update id that no longer matches the
update on record is reported as not imported, never silently dropped and never written.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from heapq import merge
from typing import TYPE_CHECKING, Any

from actionplan.importing import values as cells
from actionplan.importing.rows import LABELS, FieldChange, Outcome, RowPlan
from actionplan.importing.sheets import SourceRow, SourceSheet

if TYPE_CHECKING:
    from actionplan.importing.plan_index import PlanIndex

NOT_EDITED = "Not imported: progress history is not edited by import"


def narrative_key(action_id: int, text: str) -> int:
    """An update's text for "already recorded?" checks: spacing ignored, hashed to save memory.

    A hash collision could only make a new update look recorded; at 64 bits it will not happen.
    """
    return hash((action_id, " ".join(text.split())))


class KeySet:
    """A set of 64-bit keys in a sorted array: 8 bytes a key, not a set's ~80 (a large plan's
    progress history has tens of thousands of updates)."""

    def __init__(self, keys: Iterable[int]) -> None:
        self.keys = array("q", sorted(array("q", keys)))

    def __contains__(self, key: object) -> bool:
        at = bisect_left(self.keys, key)
        return at < len(self.keys) and self.keys[at] == key

    def __len__(self) -> int:
        return len(self.keys)


class FirstRows:
    """Where each key was first met in the file (a 64-bit hash → its row number): 16 bytes a
    key in two sorted arrays, with a short unsorted tail merged into them every TAIL keys, not
    a dict of tuples' ~200 (a council's first import meets every reference once)."""

    TAIL = 1024

    def __init__(self) -> None:
        self.keys, self.rows = array("q"), array("q")
        self.tail_keys, self.tail_rows = array("q"), array("q")

    def get(self, key: int) -> int | None:
        at = bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            return self.rows[at]
        if key in self.tail_keys:
            return self.tail_rows[self.tail_keys.index(key)]
        return None

    def add(self, key: int, row: int) -> None:
        self.tail_keys.append(key)
        self.tail_rows.append(row)
        if len(self.tail_keys) >= self.TAIL:
            tail = sorted(zip(self.tail_keys, self.tail_rows, strict=True))
            keys, rows = array("q"), array("q")
            for known, number in merge(zip(self.keys, self.rows, strict=True), tail):
                keys.append(known)
                rows.append(number)
            self.keys, self.rows = keys, rows
            self.tail_keys, self.tail_rows = array("q"), array("q")


@dataclass(frozen=True, slots=True)
class ReportedUpdate:
    """A recorded progress update, as compact as the comparison allows."""

    COLUMNS = (
        "id",
        "action_id",
        "narrative",
        "reported_on",
        "date_as_written",
        "status",
        "rag",
        "percent_complete",
        "is_no_change",
    )

    action_id: int
    narrative: int  # narrative_key(action_id, text)
    reported_on: date
    date_as_written: str
    status: str
    rag: str
    percent_complete: int | None
    is_no_change: bool

    @classmethod
    def of(cls, values: tuple) -> ReportedUpdate:
        _, action_id, text, *rest = values
        return cls(action_id, narrative_key(action_id, text), *rest)


def _reported(plan: RowPlan, v: dict[str, Any]) -> dict[str, Any]:
    """The row's reported values, as the update would hold them; errors fail the row."""
    read = (
        cells.status_of(v.get("status_reported")),
        cells.rag_of(v.get("rag_reported")),
        cells.percent_of(v.get("percent_reported")),
        cells.date_of(v.get("reported_on"), "Reported on"),
    )
    for _, error in read:
        if error:
            plan.fail(error)
    (status, _), (rag, _), (percent, _), (reported_on, _) = read
    no_change = cells.text(v.get("no_change")).strip().casefold() in {"yes", "y", "true", "x"}
    return {
        "reported_on": reported_on,
        "date_as_written": cells.text(v.get("date_as_written")).strip()[:100],
        "status": status or "",
        "rag": rag or "",
        "percent_complete": percent,
        "is_no_change": no_change,
        "author_name": cells.text(v.get("reported_by")).strip()[:200],
    }


def _action_of(index: PlanIndex, plan: RowPlan, v: dict[str, Any]):
    if "action_id" in v:
        action_id = v["action_id"]
        action = index.get(action_id) if isinstance(action_id, int) else None
        if action is None:
            plan.fail(
                f"There is no action with id {cells.text(action_id)} in this plan: it may have "
                "been deleted."
            )
        return action
    reference = cells.text(v.get("full_reference")).strip()
    action = (
        index.get(index.full_reference_index().get(reference.casefold())) if reference else None
    )
    if action is None:
        plan.fail(
            "The row names no action of this plan: give the action's Full reference "
            "(as on the Plan sheet) or its Action id."
        )
    return action


def plan_progress_row(
    index: PlanIndex, sheet: SourceSheet, row: SourceRow, recorded: set[int]
) -> RowPlan:
    """One Progress sheet row → a new update (Outcome.PROGRESS), unchanged, or not imported.

    `recorded` holds the narrative keys of updates already planned from this file; it grows.
    """
    v = row.values
    label = cells.text(v.get("full_reference"))
    plan = RowPlan(sheet.name, row.number, label, cells.text(v.get("description")))
    action = _action_of(index, plan, v)
    if action is None:
        return plan
    plan.action = action
    plan.label = plan.label or action.full_reference
    plan.text = plan.text or action.description
    narrative = cells.text(v.get("progress")).strip()
    reported = _reported(plan, v)
    if "update_id" in v:
        return _existing(index, plan, v["update_id"], narrative, reported)
    if plan.outcome == Outcome.ERROR:
        return plan
    if not narrative and not reported["is_no_change"]:
        return plan.fail("The Progress text is empty: say what has happened (or “No change”).")
    key = narrative_key(action.pk, narrative)
    if narrative and (key in index.narratives or key in recorded):
        return plan  # already on record (or earlier in this file): nothing to do
    recorded.add(key)
    plan.outcome = Outcome.PROGRESS
    plan.progress = narrative
    plan.progress_on = reported.pop("reported_on")
    plan.report = reported
    plan.changes = [FieldChange(LABELS["progress"], "", narrative or "No change")]
    if plan.progress_on:
        plan.changes.append(FieldChange("Reported on", "", cells.shown(plan.progress_on)))
    for name, label in (("status", "Status"), ("rag", "RAG"), ("percent_complete", "% complete")):
        if reported[name] not in ("", None):
            shown = {"status": cells.STATUS_LABELS, "rag": cells.RAG_LABELS}.get(name, {})
            value = shown.get(reported[name], reported[name])
            plan.changes.append(FieldChange(f"{label} reported", "", cells.shown(value)))
    return plan


def _existing(
    index: PlanIndex, plan: RowPlan, update_id: Any, narrative: str, reported: dict[str, Any]
) -> RowPlan:
    """A row of an update already recorded: unchanged, or reported as not imported."""
    update = index.updates.get(update_id) if isinstance(update_id, int) else None
    if update is None or update.action_id != plan.action.pk:
        return plan.fail(
            f"{NOT_EDITED}: there is no progress update with id {cells.text(update_id)} on "
            "this action (it may have been deleted). Clear the Update id to record the row "
            "as a new update."
        )
    if plan.outcome == Outcome.ERROR:
        return plan
    differs = [
        label
        for label, old, new in (
            ("Progress", update.narrative, narrative_key(update.action_id, narrative)),
            ("Reported on", update.reported_on, reported["reported_on"]),
            ("Date as written", update.date_as_written, reported["date_as_written"]),
            ("Status reported", update.status, reported["status"]),
            ("RAG reported", update.rag, reported["rag"]),
            ("% complete reported", update.percent_complete, reported["percent_complete"]),
            ("No change", update.is_no_change, reported["is_no_change"]),
        )
        if old != new
    ]
    if differs:
        plan.fail(
            f"{NOT_EDITED} ({', '.join(differs)} differ from the update on record). To report "
            "something new, add a row without an Update id; to correct the update, edit it "
            "in the plan."
        )
    return plan
