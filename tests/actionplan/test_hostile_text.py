"""Hostile text typed into every text field of a plan is inert in every output together.

One plan holds, per hostile string, a theme, a project, an owner and an action whose every
text field is that string, with a progress update, a milestone and a re-planned target in
the window of a report asked for changes since. The report's title, committee and author,
the plan's title and organisation are hostile too. Each output is then read back the way a
user's software reads it: the print page as HTML, the PDF through pdftotext, the workbook
through openpyxl and the CSVs through the csv module. (Milestones are typed too, though no
output shows them yet: see docs/workbook.md.)
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actionplan.models import Action, Milestone, Owner, Project, Theme
from actionplan.reporting import pdf as report_pdf
from actionplan.services import (
    action_record_progress,
    action_revise_target,
    action_set_owners,
    save_with_history,
)
from actionplan.structure import action_create, milestone_create, project_save, theme_save
from tests.conftest import home_council

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "hyperlink": '=HYPERLINK("http://evil","x")',
    "dde": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "tab": "\t=1+2",
    "cr": "\r=3+4",
    "css": "url(http://evil/)",
    "link": '<link href="http://evil/x.css">',
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The report's own words, typed into the builder's fields (which trim white space).
REPORT_FIELDS = {
    "title": HOSTILE["hyperlink"],
    "committee": HOSTILE["dde"],
    "author": HOSTILE["img"],
}


def as_a_spreadsheet_shows(text: str) -> str:
    """What a cell holding `text` must show: formula-like text behind a single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def assert_shown(values: list[str], texts: list[str]) -> None:
    """The cells show these texts (give or take white space around), formulas behind a quote."""
    assert sorted(value.removeprefix("'").strip() for value in values) == sorted(
        text.strip() for text in texts
    )
    for value in values:
        assert value == as_a_spreadsheet_shows(value.removeprefix("'")), value


def squashed(text: str) -> str:
    """Text without white space: wrapped table cells and collapsed HTML still compare."""
    return "".join(text.split())


@pytest.fixture
def hostile_plan(plan, plan_admin):
    """Every text field of the plan hostile; returns the moment changes are listed since."""
    plan.title = HOSTILE["script"]
    plan.organisation.name = HOSTILE["at"]
    save_with_history(plan.organisation, user=plan_admin, reason="test")
    save_with_history(plan, user=plan_admin, reason="test")
    actions = {}
    for number, (key, text) in enumerate(HOSTILE.items(), 1):
        theme = theme_save(theme=Theme(plan=plan, reference=str(number), title=text), user=None)
        project = project_save(
            project=Project(theme=theme, reference="1", title=text, description=text), user=None
        )
        action = Action(
            theme=theme,
            project=project,
            reference="1(a)",
            description=text,
            owners_as_written=text,
            target="Dec 2004",
        )
        action_create(action=action, user=plan_admin)  # links no owner: none exists yet
        owner = Owner(organisation=home_council(), name=text)
        save_with_history(owner, user=None, reason="test")
        actions[key] = (action, owner)
    since = timezone.now()
    for key, (action, owner) in actions.items():
        text = HOSTILE[key]
        action_set_owners(action=action, owners=[owner], user=plan_admin, reason=text)
        action_revise_target(action=action, new_target=text, reason=text, user=plan_admin)
        action_record_progress(
            action=action,
            reported_on=date(2004, 11, 1),
            narrative=text,
            author_name=text,
            date_as_written=text,
            user=plan_admin,
        )
        milestone_create(milestone=Milestone(action=action, text=text, target=text), user=None)
    return since


@pytest.fixture
def query(hostile_plan) -> str:
    return "?" + urlencode(REPORT_FIELDS | {"since": hostile_plan.isoformat(), "full": "1"})


@pytest.fixture
def signed_in(client, steering_member):
    client.force_login(steering_member)
    return client


def get(client, name: str, plan, query: str):
    response = client.get(reverse(name, args=[plan.slug]) + query)
    assert response.status_code == 200
    return response


def test_the_fixture_stored_every_hostile_text_as_typed(plan, hostile_plan):
    """The services keep the text; targets and progress text are trimmed, as forms do."""
    descriptions = set(Action.objects.for_plan(plan).values_list("description", flat=True))
    assert descriptions == set(HOSTILE.values())
    targets = set(Action.objects.for_plan(plan).values_list("target", flat=True))
    assert targets == {text.strip() for text in HOSTILE.values()}


# The print page ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_print_page_shows_every_hostile_text_as_text_and_runs_none_of_it(
    signed_in, plan, query
):
    html = get(signed_in, "report_print", plan, query).content.decode()
    page = Page(html)

    assert not [tag for tag, _ in page.tags if tag in ("script", "img", "style", "iframe")]
    assert not [attrs for tag, attrs in page.tags if tag == "link" and "evil" in str(attrs)]
    for tag, attrs in page.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        # Text may sit in an attribute (a meta description, a link's query string), but
        # nothing on the page points anywhere but this site.
        for name in ("href", "src", "srcset", "action", "formaction", "data", "poster"):
            target = urlsplit(attrs.get(name) or "")
            assert (target.scheme, target.netloc) == ("", ""), (tag, attrs)
    text = squashed("".join(page.text))
    for typed in [*HOSTILE.values(), *REPORT_FIELDS.values()]:
        assert squashed(typed) in text, typed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# The PDF ------------------------------------------------------------------------------------


def test_the_pdf_prints_every_hostile_text_literally_and_fetches_only_our_static_files(
    signed_in, plan, query, tmp_path: Path, monkeypatch
):
    asked: list[str] = []

    class RecordingFetcher(report_pdf.StaticFilesFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            asked.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(report_pdf, "StaticFilesFetcher", RecordingFetcher)
    pdf = get(signed_in, "report_pdf", plan, query).content
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout

    for typed in [*HOSTILE.values(), *REPORT_FIELDS.values()]:
        assert squashed(typed) in squashed(text), typed
    assert asked, "the print stylesheet is fetched through our fetcher"
    assert all(url.startswith(report_pdf.BASE_URL + "static/") for url in asked), asked
    with pytest.raises(report_pdf.RefusedURL):
        report_pdf.StaticFilesFetcher().fetch("http://evil/x.css")


# The workbook -------------------------------------------------------------------------------

HOSTILE_COLUMNS = {
    "Plan": [
        "Theme",
        "Project",
        "Action",
        "Owners",
        "Lead owner",
        "Owners as written",
        "Target (as written)",
        "Latest update",
    ],
    "Progress": ["Action", "Date as written", "Progress", "Reported by"],
    "Changes": ["Action"],
}
# Each field holds one of the hostile texts; progress text is trimmed, as the form does.


def records(ws) -> list[dict]:
    names = [cell.value for cell in ws[1]]
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=2)]


def test_every_hostile_text_is_a_plain_text_cell_in_every_sheet_of_the_workbook(
    signed_in, plan, query
):
    data = get(signed_in, "report_xlsx", plan, query).content
    wb = load_workbook(io.BytesIO(data))
    progress_texts = {text.strip() for text in HOSTILE.values()}

    every = [cell for ws in wb for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in every if cell.data_type == "f"]
    for sheet, headings in HOSTILE_COLUMNS.items():
        rows = records(wb[sheet])
        assert len(rows) >= len(HOSTILE), sheet
        for row in rows:
            for heading in headings:
                cell = row[heading]
                assert cell.data_type == "s", (sheet, heading, cell.value)
                assert cell.value.removeprefix("'") in {*HOSTILE.values(), *progress_texts}
                assert cell.value == as_a_spreadsheet_shows(cell.value.removeprefix("'"))
    changes = records(wb["Changes"])
    slipped = [r for r in changes if r["Change"].value == "Target slipped"]
    texts = list(HOSTILE.values())
    assert_shown([r["New"].value for r in slipped], texts)
    assert_shown([r["Reason"].value for r in slipped], texts)
    updates = [r for r in changes if r["Change"].value == "Progress update"]
    assert_shown([r["New"].value for r in updates], texts)
    owners = [r for r in changes if r["Change"].value == "Owners changed"]
    assert_shown([r["New"].value for r in owners], texts)
    for row in changes:
        for heading in ("Action", "Old", "New", "Reason"):
            assert row[heading].value is None or row[heading].data_type == "s"
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows() if len(row) > 1}
    assert summary["Title"].value == "'" + REPORT_FIELDS["title"]
    assert summary["Committee"].value == "'" + REPORT_FIELDS["committee"]
    assert summary["Author"].value == REPORT_FIELDS["author"]
    assert summary["Plan"].value == HOSTILE["script"]
    assert summary["Organisation"].value == "'" + HOSTILE["at"]
    assert all(summary[key].data_type == "s" for key in ("Title", "Committee", "Organisation"))


def test_the_plan_browsers_workbook_keeps_hostile_text_as_text_too(signed_in, plan, hostile_plan):
    data = get(signed_in, "plan_browse_xlsx", plan, "").content
    rows = records(load_workbook(io.BytesIO(data))["Plan"])
    assert_shown([row["Action"].value for row in rows], list(HOSTILE.values()))
    assert {row["Action"].data_type for row in rows} == {"s"}


# The CSVs -----------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("name", ["report_csv", "plan_browse_csv"])
def test_every_hostile_text_in_the_csvs_is_neutralised_with_a_leading_quote(
    signed_in, plan, query, name
):
    rows = csv_rows(get(signed_in, name, plan, query if name == "report_csv" else "").content)

    assert len(rows) == len(HOSTILE)
    for heading in (
        "Theme",
        "Project",
        "Action",
        "Owners",
        "Target (as written)",
        "Latest update",
    ):
        assert_shown([row[heading] for row in rows], list(HOSTILE.values()))
    # What Excel would run: any field starting with a formula character. None does.
    assert not [value for row in rows for value in row.values() if value.startswith(FORMULA_STARTS)]
