"""The import pages: upload → preview (nothing written) → confirm → result; and the command."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplan.exports import actions_workbook_bytes
from actionplan.filters import browse_base_queryset
from actionplan.importing import storage
from actionplan.models import Action, Owner, ProgressUpdate
from actionplan.synthetic import build_plan
from tests.actionplan.import_files import edited, xlsx
from tests.conftest import home_council

pytestmark = pytest.mark.django_db

SHEET = {
    "Plan": [
        ["Ref", "Action", "Owner", "Target date"],
        ["4. Telephone Access"],
        ["1(a)", "Answer calls within 20 seconds", "RF / New Person", "Dec 2013"],
    ]
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, plan, name: str, data: bytes):
    return client.post(
        reverse("plan_import", args=[plan.slug]), {"file": SimpleUploadedFile(name, data)}
    )


def test_upload_preview_confirm_creates_the_actions_as_the_user(
    client, plan, people, steering_member
):
    client.force_login(steering_member)
    response = upload(client, plan, "plan.xlsx", xlsx(SHEET))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check the import of plan.xlsx" in page and "New Person" in page
    assert "Answer calls within 20 seconds" in page
    assert not Action.objects.exists()  # the preview wrote nothing
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirm = reverse("plan_import_confirm", args=[plan.slug, token])
    result = client.post(confirm, {"create_owners": "on"})
    assert "Import complete" in result.content.decode()
    assert '<h2 class="govuk-heading-m">Rows not imported' not in result.content.decode()
    action = Action.objects.get()
    assert action.history.first().history_user == steering_member
    assert Owner.objects.filter(name="New Person").exists()
    assert storage.fetch(plan=plan, token=token) is None  # the upload is gone
    again = client.post(confirm).content.decode()  # and cannot be applied twice
    assert "plan.xlsx has already been imported" in again
    assert f"was already imported by {steering_member.username}" in again
    assert Action.objects.count() == 1


def test_a_refused_file_is_reported_on_the_upload_form_and_nothing_is_kept(
    client, plan, steering_member, media
):
    client.force_login(steering_member)
    response = upload(client, plan, "secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 99)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "password-protected" in page
    assert not list((media / "private-imports").glob("*"))


def test_the_upload_page_refuses_files_over_the_size_limit(client, plan, steering_member, settings):
    settings.ACTIONPLAN_IMPORT_MAX_BYTES = 100
    client.force_login(steering_member)
    response = upload(client, plan, "big.csv", b"Theme,Action\n" + b"1,x\n" * 100)
    assert "The file is too big" in response.content.decode()


def test_an_upload_of_one_plan_cannot_be_previewed_through_another(
    client, plan, steering_member, db
):
    other = build_plan(
        organisation=home_council(),
        slug="other",
        themes=1,
        projects_per_theme=1,
        actions_per_project=1,
    )
    token = storage.stash(plan=plan, filename="p.csv", data=b"Theme,Action\n1,x\n", uploaded_by="")
    client.force_login(steering_member)
    assert client.get(reverse("plan_import_preview", args=[other.slug, token])).status_code == 404
    unknown = reverse("plan_import_preview", args=[plan.slug, "y" * 32])
    assert client.get(unknown).status_code == 404


def _edited_export(plan) -> bytes:
    first = Action.objects.for_plan(plan).order_by("pk").first()

    def edit(ws, col):
        for number in range(2, ws.max_row + 1):
            if ws.cell(number, col["Action id"]).value == first.pk:
                ws.cell(number, col["Action"]).value = "Changed in the spreadsheet"

    return edited(actions_workbook_bytes(browse_base_queryset(plan)), edit)


@pytest.mark.parametrize("size", [(1, 1, 3), (3, 4, 10)])
def test_preview_and_confirm_take_the_same_queries_whatever_the_plan_size(
    client, steering_member, django_assert_num_queries, size
):
    themes, projects, actions = size
    plan = build_plan(
        organisation=home_council(),
        slug="sized",
        themes=themes,
        projects_per_theme=projects,
        actions_per_project=actions,
    )
    client.force_login(steering_member)
    token = storage.stash(plan=plan, filename="p.xlsx", data=_edited_export(plan), uploaded_by="")
    # session, user, groups (role), plan; then the plan index: progress texts, themes,
    # projects, units, owners, the slim index of every action; then for the file's one chunk
    # of rows (docs/import.md) its actions and (our workbook has an Owners column) their links.
    with django_assert_num_queries(12):
        client.get(reverse("plan_import_preview", args=[plan.slug, token]))
    # The same four and whether the upload was applied before; a savepoint, the plan locked,
    # the upload's record looked for and written (applied once), the index again under lock,
    # the owners' spellings for linking; then the one changed action saved (its update and
    # history row, no re-read: the index locked it, and its plan's change stamp moved) and the
    # savepoint released.
    with django_assert_num_queries(22):
        client.post(reverse("plan_import_confirm", args=[plan.slug, token]))
    assert Action.objects.filter(description="Changed in the spreadsheet").count() == 1


def test_the_command_previews_with_dry_run_and_imports_without(
    tmp_path, plan, people, plan_admin, capsys
):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(xlsx(SHEET))
    call_command("import_plan", str(path), "--plan", plan.slug, "--dry-run")
    out = capsys.readouterr().out
    assert "1 to create" in out and "owners not known: New Person" in out and "Dry run" in out
    assert not Action.objects.exists()
    call_command("import_plan", str(path), "--plan", plan.slug, "--user", plan_admin.username)
    assert Action.objects.get().history.first().history_user == plan_admin


def test_the_command_reports_a_refused_file(tmp_path, plan):
    path = tmp_path / "plan.xlsm"
    path.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(CommandError, match="Macro-enabled"):
        call_command("import_plan", str(path), "--plan", plan.slug)


def test_the_result_lists_the_rows_that_were_not_imported(client, plan, people, steering_member):
    sheet = {
        "Plan": [
            ["Theme", "Ref", "Action", "Status"],
            ["1", "a", "Fine", None],
            ["1", "b", "Bad", "Soon", 250],
        ]
    }
    sheet["Plan"][0].append("% complete")
    token = storage.stash(plan=plan, filename="p.xlsx", data=xlsx(sheet), uploaded_by="")
    client.force_login(steering_member)
    page = client.post(reverse("plan_import_confirm", args=[plan.slug, token])).content.decode()
    assert "1 new action<" in page.replace("</div>", "<")
    assert "“Plan” row 3 (b): % complete “250” is not a number from 0 to 100." in page


def test_an_upload_left_unconfirmed_expires(client, plan, steering_member, media):
    import os
    import time

    token = storage.stash(plan=plan, filename="p.csv", data=b"Theme,Action\n1,x\n", uploaded_by="")
    stale = time.time() - storage.UPLOAD_LIFETIME - 60
    os.utime(media / "private-imports" / f"{token}.upload", (stale, stale))
    client.force_login(steering_member)
    assert client.get(reverse("plan_import_preview", args=[plan.slug, token])).status_code == 404
    assert not list((media / "private-imports").glob(f"{token}.*"))


def _report_with_new_progress_and_a_row_deleted(plan) -> bytes:
    from actionplan.exports import report_workbook_bytes
    from actionplan.reporting import ReportOptions, build_report

    first = Action.objects.for_plan(plan).order_by("pk").first()
    last = Action.objects.for_plan(plan).order_by("pk").last()
    data = report_workbook_bytes(build_report(plan=plan), ReportOptions())

    def add_update(ws, col):
        new = [None] * len(col)
        new[col["Action id"] - 1], new[col["Progress"] - 1] = first.pk, "Went live on Monday"
        ws.append(new)

    def delete_row(ws, col):
        for number in range(2, ws.max_row + 1):
            if ws.cell(number, col["Action id"]).value == last.pk:
                ws.delete_rows(number)
                return

    return edited(edited(data, add_update, sheet="Progress"), delete_row)


@pytest.mark.parametrize("size", [(1, 1, 3), (3, 4, 10)])
def test_a_new_progress_row_previews_and_imports_in_the_same_queries_whatever_the_plan_size(
    client, steering_member, django_assert_num_queries, size
):
    themes, projects, actions = size
    plan = build_plan(
        organisation=home_council(),
        slug="sized",
        themes=themes,
        projects_per_theme=projects,
        actions_per_project=actions,
    )
    client.force_login(steering_member)
    data = _report_with_new_progress_and_a_row_deleted(plan)
    token = storage.stash(plan=plan, filename="r.xlsx", data=data, uploaded_by="")
    # As the plain workbook (12), twice the chunk (the Plan sheet's, then the Progress
    # sheet's: actions and links), and the first actions not in the file (one query); the
    # Progress sheet's update ids come with the progress texts; and the organisation's
    # remembered column choices, looked up once when a sheet that is not ours (Changes) is
    # read, before it is set aside as a report sheet.
    with django_assert_num_queries(16):
        page = client.get(reverse("plan_import_preview", args=[plan.slug, token]))
    text = page.content.decode()
    assert "New progress update" in text and "Went live on Monday" in text
    assert "In the plan but not in the file — left alone" in text
    assert "1 action is in the plan but not on the file" in text
    assert "Import 0 new and 0 changed actions and 1 progress update" in text
    # Session, user, role, plan, whether the upload was applied before; a savepoint, the plan
    # locked, the upload's record looked for and written, the index under lock (as the
    # preview: 11), the owners' spellings for linking; then the update recorded through the
    # progress service:
    # a savepoint, its action re-read under lock, full_clean (foreign keys, two constraint
    # checks in savepoints), the update and its history row, its plan's change stamp moved,
    # the savepoints released; and the remembered column choices, as for the preview. The
    # applied-once check: whether the upload was applied before (view), its record looked for
    # and written under the plan's lock.
    with django_assert_num_queries(37):
        result = client.post(reverse("plan_import_confirm", args=[plan.slug, token]))
    assert "1 new progress update" in result.content.decode()
    first = Action.objects.for_plan(plan).order_by("pk").first()
    assert first.updates.filter(narrative="Went live on Monday").count() == 1
    assert Action.objects.for_plan(plan).count() == themes * projects * actions


@pytest.mark.parametrize("actions", [3, 10])
def test_our_workbook_is_compared_in_chunks_two_queries_each(
    monkeypatch, django_assert_num_queries, actions
):
    """Queries depend on the file's rows only: 2 per CHUNK_ROWS rows (actions, owner links)."""
    from actionplan.importing import plan_diff
    from actionplan.importing.plan_diff import Outcome, build_preview
    from actionplan.importing.reader import read_upload

    monkeypatch.setattr(plan_diff, "CHUNK_ROWS", 2)
    plan = build_plan(
        organisation=home_council(),
        slug="sized",
        themes=1,
        projects_per_theme=1,
        actions_per_project=actions,
    )
    ordered = list(Action.objects.for_plan(plan).order_by("pk"))
    first, middle, last = ordered[0], ordered[1], ordered[-1]

    def edit(ws, col):
        for number in range(ws.max_row, 1, -1):
            if ws.cell(number, col["Action id"]).value in (first.pk, last.pk):
                ws.cell(number, col["Action"]).value = "Changed in the spreadsheet"
            elif ws.cell(number, col["Action id"]).value == middle.pk:
                ws.delete_rows(number)  # one action not in the file

    source = read_upload("p.xlsx", edited(actions_workbook_bytes(browse_base_queryset(plan)), edit))
    rows = actions - 1
    chunks = -(-rows // 2)
    # progress texts, themes, projects, units, owners, the slim index; 2 a chunk; the first
    # actions not in the file.
    with django_assert_num_queries(6 + 2 * chunks + 1):
        preview = build_preview(plan=plan, source=source)
    changed = {row.action.pk for row in preview.rows() if row.outcome == Outcome.CHANGE}
    assert changed == {first.pk, last.pk}
    assert preview.counts["unchanged"] == rows - 2
    assert preview.missing == [(middle.full_reference, middle.description)]
    assert preview.missing_count == 1


def _counts_on(page: str) -> dict[str, str]:
    """The result page's summary list: key → value, as the user reads it."""
    import re

    block = page.split('id="import-counts"', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)
    return {key.strip(): " ".join(value.split()) for key, value in pairs}


def test_the_result_page_counts_what_was_created_revised_and_dated_as_the_database_has_it(
    client, plan, people, steering_member
):
    from actionplan.models import ProgressUpdate, TargetRevision

    rows = [
        ["Theme", "Ref", "Action", "Target", "Revised date", "Status", "Comments"],
        ["1", "a", "Map journeys", "Sept 12", "Dec 12", "On target", "Nov 12: workshop held"],
        ["1", "b", "Publish standards", "Jul 12", None, "Achieved", "31/10/12 – completed"],
        ["1", "c", "Train staff", "Mar 13", None, "Delayed", "Trainer booked"],
    ]
    token = storage.stash(plan=plan, filename="p.xlsx", data=xlsx({"P": rows}), uploaded_by="")
    client.force_login(steering_member)
    page = client.post(reverse("plan_import_confirm", args=[plan.slug, token])).content.decode()
    counts = _counts_on(page)
    assert counts["New actions"] == str(Action.objects.count()) == "3"
    assert counts["Changed actions"] == "0"
    assert counts["Target dates revised (original kept)"] == str(TargetRevision.objects.count())
    assert TargetRevision.objects.count() == 1
    dated = ProgressUpdate.objects.exclude(date_as_written="").count()
    assert counts["New progress updates"] == (
        f"{ProgressUpdate.objects.count()} ({dated} dated from the file, "
        f"{ProgressUpdate.objects.count() - dated} dated the import day)"
    )
    assert counts["New progress updates"] == "3 (2 dated from the file, 1 dated the import day)"
    assert counts["Completion dates set"] == "1 (1 from the file, 0 the import day)"


def test_the_command_reads_a_word_plan_with_the_columns_given(tmp_path, plan, people, capsys):
    from actionplan.models import ImportColumnChoice
    from tests.actionplan.import_files import Bullets, docx

    path = tmp_path / "annex.docx"
    rows = [
        ["Project", "Time Line", "Update"],
        ["1. Local Access Points", None, None],
        [Bullets("Concentrate on FAQs", "Negotiate with WODC"), "Dec 2004\nJan 2005", None],
    ]
    path.write_bytes(docx([{"rows": rows, "merges": [((1, 0), (1, 2))]}]))
    with pytest.raises(CommandError, match="HEADING=FIELD"):
        call_command("import_plan", str(path), "--plan", plan.slug, "--column", "Project=boss")
    call_command("import_plan", str(path), "--plan", plan.slug, "--column", "Project=description")
    out = capsys.readouterr().out
    assert "columns of Table 1: Project → Action, Time Line → Target date" in out
    assert "2 created" in out
    targets = dict(Action.objects.values_list("description", "target"))
    assert targets == {"Concentrate on FAQs": "Dec 2004", "Negotiate with WODC": "Jan 2005"}
    assert ImportColumnChoice.objects.get(heading="project").field == "description"


def _summary_value(page: str, key: str) -> str:
    """The value beside `key` in the result page's summary list."""
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{re.escape(key)}</dt>'
        r'<dd class="govuk-summary-list__value">([^<]*)</dd>',
        page,
    )
    assert found, key
    return found.group(1)


@pytest.mark.parametrize("rows", [0, 1, 7])
def test_the_result_counts_the_progress_updates_written_with_new_actions(
    client, plan, people, steering_member, rows
):
    lines = [["Theme", "Ref", "Action", "Latest update"]]
    lines += [["1", f"a{n}", f"Action {n}", f"Reported {n}"] for n in range(rows)]
    lines += [["1", "z", "Action with no update", None]]
    token = storage.stash(plan=plan, filename="p.xlsx", data=xlsx({"Plan": lines}), uploaded_by="")
    client.force_login(steering_member)
    page = client.post(reverse("plan_import_confirm", args=[plan.slug, token])).content.decode()

    written = ProgressUpdate.objects.filter(action__theme__plan=plan).count()
    assert written == rows
    assert _summary_value(page, "New progress updates").split(" ")[0] == str(rows)
    updates = {0: "", 1: " and 1 new progress update", 7: " and 7 new progress updates"}[rows]
    actions = "1 new action" if rows == 0 else f"{rows + 1} new actions"
    assert f"{actions}{updates}</div>" in page
