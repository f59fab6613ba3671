"""Properties of the import for any file: only our own refusal, never a partial write."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from actionplan.importing.sheets import HEADINGS
from actionplan.models import Action, Owner, ProgressUpdate, Project, Theme

pytestmark = pytest.mark.django_db

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=200)
KNOWN = [
    "Ref",
    "Action",
    "Theme",
    "Project",
    "Owner",
    "Target date",
    "Status",
    "RAG",
    "% complete",
    "Completed on",
    "Progress",
    "Action id",
    "Version",
    "Theme id",
    "Project id",
    "Directorate/service",
]
# Text a workbook can hold: no surrogates or control characters other than tab and newline.
sheet_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n"),
    max_size=40,
)
cell = st.one_of(
    st.none(),
    sheet_text,
    st.sampled_from(
        ["1. Local Access Points", "Completed", "Green", "Dec 2004", "RF / PAG", "'=1+1"]
    ),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(),
    st.booleans(),
)
heading = st.one_of(st.sampled_from(KNOWN), sheet_text)
table = st.tuples(
    st.lists(heading, min_size=1, max_size=8),
    st.lists(st.lists(cell, max_size=8), max_size=12),
)
# Tables that always have a heading row the reader accepts, so rows reach the preview and write.
plan_table = st.tuples(
    st.lists(heading, max_size=6).map(lambda extra: ["Theme", "Action", *extra]),
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2. Web", "", "Criterion 3 – X"]),
            sheet_text,
            st.lists(cell, max_size=6),
        ).map(lambda parts: [parts[0], parts[1], *parts[2]]),
        max_size=12,
    ),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def workbook(headings: list, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headings)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_csv(headings: list, rows: list[list]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(headings)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def fingerprint() -> tuple:
    return (
        list(Action.objects.order_by("pk").values_list("pk", "version")),
        Theme.objects.count(),
        Project.objects.count(),
        Owner.objects.count(),
        ProgressUpdate.objects.count(),
        Action.history.count(),
    )


def preview_or_refusal(plan, name: str, data: bytes) -> None:
    try:
        build_preview(plan=plan, source=read_upload(name, data, LIMITS))
    except ImportRefused as refusal:
        assert refusal.message


def test_all_known_headings_are_distinct():
    spellings = [s for names in HEADINGS.values() for s in names]
    assert len(spellings) == len(set(spellings))


@FUZZ
@given(st.one_of(table, plan_table))
def test_any_workbook_previews_or_is_refused_by_us(action, table):
    preview_or_refusal(action.theme.plan, "fuzz.xlsx", workbook(*table))


@FUZZ
@given(table)
def test_any_csv_previews_or_is_refused_by_us(action, table):
    preview_or_refusal(action.theme.plan, "fuzz.csv", as_csv(*table))


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["x.xlsx", "x.csv", "x", "x.xls"]))
def test_any_bytes_are_refused_by_us_or_read(action, data, name):
    preview_or_refusal(action.theme.plan, name, data)


@FUZZ
@given(st.one_of(table, plan_table))
def test_an_import_writes_every_row_it_reports_or_nothing(action, plan_admin, table):
    plan = action.theme.plan
    data = workbook(*table)
    with transaction.atomic():
        before = fingerprint()
        actions_before = Action.objects.count()
        try:
            result = import_apply(
                plan=plan, filename="fuzz.xlsx", data=data, user=plan_admin, create_owners=True
            )
        except ImportRefused:
            assert fingerprint() == before
        else:
            assert Action.objects.count() == actions_before + result.created
            event(f"written: {bool(result.created or result.changed)}")
        transaction.set_rollback(True)
