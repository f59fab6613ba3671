"""The import preview a page at a time: its size does not grow with the file (finding 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.importing import storage
from actionplan.importing.pages import PAGE_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(rows: int, *, bad_every: int = 0) -> bytes:
    lines = ["Theme,Ref,Action,Target Completion Date,% complete"]
    for n in range(rows):
        # A percentage over 100 is a row error (a blank theme continues the theme above).
        percent = "250" if bad_every and n % bad_every == bad_every - 1 else ""
        lines.append(f"4,{n}(a),Answer calls within 20 seconds ({n}),Dec 2027,{percent}")
    return "\n".join(lines).encode()


def _preview(client, plan, data: bytes, page: int | None = None) -> str:
    token = storage.stash(plan=plan, filename="big.csv", data=data, uploaded_by="")
    url = reverse("plan_import_preview", args=[plan.slug, token])
    return client.get(url, {"page": page} if page else {}).content.decode()


def test_the_preview_shows_a_page_of_rows_and_links_to_the_others(
    client, plan, theme, steering_member
):
    client.force_login(steering_member)
    page = _preview(client, plan, _csv(2 * PAGE_ROWS + 50))
    assert page.count('<tr class="govuk-table__row" id="row-') == PAGE_ROWS
    assert '<dd class="govuk-summary-list__value">250</dd>' in page  # the counts stay whole
    assert 'aria-label="Pages of rows"' in page and "?page=3" in page
    assert "Import 250 new and 0 changed actions" in page
    last = _preview(client, plan, _csv(2 * PAGE_ROWS + 50), page=3)
    assert last.count('<tr class="govuk-table__row" id="row-') == 50


def test_the_preview_page_does_not_grow_with_the_file(client, plan, theme, steering_member):
    client.force_login(steering_member)
    small = len(_preview(client, plan, _csv(PAGE_ROWS)))
    large = len(_preview(client, plan, _csv(20 * PAGE_ROWS)))
    assert large < small * 1.1


def test_the_error_summary_links_each_problem_to_its_page(client, plan, theme, steering_member):
    client.force_login(steering_member)
    page = _preview(client, plan, _csv(3 * PAGE_ROWS, bad_every=PAGE_ROWS))
    assert "Some rows will not be imported" in page
    # Rows 101, 201 and 301 of the file (the sheet's rows 101, 201, 301 counting the heading).
    assert page.count("#row-1-") == 3
    assert "?page=2#row-1-" in page and "?page=3#row-1-" in page


def test_the_preview_built_for_a_page_keeps_only_that_pages_rows(plan, theme):
    from actionplan.importing.plan_diff import build_preview
    from actionplan.importing.reader import read_upload

    source = read_upload("big.csv", _csv(2 * PAGE_ROWS + 50, bad_every=PAGE_ROWS))
    preview = build_preview(plan=plan, source=source, page=2)
    kept = preview.rows()
    assert len(kept) == PAGE_ROWS  # not the 250 rows it counts
    assert [row.shown_at for row in kept] == list(range(PAGE_ROWS, 2 * PAGE_ROWS))
    assert preview.counts["create"] == 248 and preview.counts["error"] == 2
    assert [row.number for _, row in preview.problems] == [101, 201]  # whatever the page
    assert [t.reference for t in preview.new_themes] == []  # theme 4 is the plan's own


def test_a_page_past_the_last_shows_the_last(client, plan, theme, steering_member):
    client.force_login(steering_member)
    page = _preview(client, plan, _csv(PAGE_ROWS + 5), page=9)
    assert page.count('<tr class="govuk-table__row" id="row-') == 5


def test_the_import_writes_as_it_reads_and_keeps_only_the_rows_it_lists(
    plan, theme, plan_admin, monkeypatch
):
    from actionplan.importing import apply, rows
    from actionplan.importing.apply import import_apply
    from actionplan.models import Action

    monkeypatch.setattr(apply, "CREATE_CHUNK", 7)  # several chunks of new actions
    monkeypatch.setattr(rows, "MAX_LEFT_OUT", 1)
    data = _csv(30, bad_every=10)
    result = import_apply(plan=plan, filename="big.csv", data=data, user=plan_admin)
    assert result.created == 27 == Action.objects.filter(theme=theme).count()
    assert result.left_out == 3 and result.left_out_listed == 1
    assert [row.number for row in result.preview.rows()] == [11]  # only what it lists
