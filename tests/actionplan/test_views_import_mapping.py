"""The column mapping step of the import preview: every column shown with what it is read as,
changeable before confirming, remembered for the organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.importing import storage
from actionplan.models import Action, ImportColumnChoice, Organisation, Plan
from tests.actionplan.import_files import xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["Theme", "Ref", "Action", "Lead officer", "Comments", "Cost"],
    ["1", "a", "Survey visitors", "RF", "Nov 10: drafted", "£200"],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stash(plan: Plan, rows=ROWS, name="plan.xlsx") -> str:
    return storage.stash(plan=plan, filename=name, data=xlsx({"Plan": rows}), uploaded_by="")


def _choices(page: str) -> dict[str, str]:
    """Heading → the option selected for it, read from the page's mapping table."""
    import re

    row = (
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r'<td class="govuk-table__cell">(.*?)</select>'
    )
    found = {}
    for heading, select in re.findall(row, page, re.S):
        selected = re.search(r'<option value="([^"]+)" selected>', select)
        found[heading] = selected.group(1) if selected else ""
    return found


def _mapping(page_choices: dict[str, str], **changes: str) -> dict[str, str]:
    from actionplan.importing.columns import key

    chosen = {**page_choices, **changes}
    return {f"col-{key(heading)}": field for heading, field in chosen.items()}


def test_the_preview_shows_every_column_with_what_it_is_read_as(client, plan, steering_member):
    client.force_login(steering_member)
    page = client.get(reverse("plan_import_preview", args=[plan.slug, _stash(plan)]))
    assert _choices(page.content.decode()) == {
        "Theme": "theme",
        "Ref": "reference",
        "Action": "description",
        "Lead officer": "owners",
        "Comments": "progress",
        "Cost": "keep",
    }


def test_changing_the_mapping_reads_the_file_again_and_is_remembered_on_import(
    client, plan, people, steering_member
):
    client.force_login(steering_member)
    token = _stash(plan)
    preview = reverse("plan_import_preview", args=[plan.slug, token])
    choices = _choices(client.get(preview).content.decode())
    response = client.post(
        reverse("plan_import_mapping", args=[plan.slug, token]),
        _mapping(choices, Comments="keep", Cost="ignore"),
    )
    assert response.status_code == 302 and response["Location"].endswith("#columns")
    page = client.get(preview).content.decode()
    assert _choices(page)["Comments"] == "keep" and _choices(page)["Cost"] == "ignore"
    assert "Comments: Nov 10: drafted" in page and "£200" not in page
    assert not ImportColumnChoice.objects.exists()  # nothing kept until the import is made
    client.post(reverse("plan_import_confirm", args=[plan.slug, token]))
    action = Action.objects.get()
    assert action.notes == "Comments: Nov 10: drafted" and not action.updates.exists()
    assert set(ImportColumnChoice.objects.values_list("organisation", "heading", "field")) == {
        (plan.organisation_id, "comments", "keep"),
        (plan.organisation_id, "cost", "ignore"),
    }
    # The organisation's next file with the same headings is read the same way; another
    # organisation's is not.
    again = _stash(plan, name="next.xlsx")
    next_page = client.get(reverse("plan_import_preview", args=[plan.slug, again])).content
    assert _choices(next_page.decode())["Cost"] == "ignore"


def test_a_remembered_mapping_belongs_to_its_organisation_only(client, plan, steering_member):
    another = Organisation.objects.create(slug="another", name="Another Council")
    ImportColumnChoice.objects.create(organisation=another, heading="cost", field="ignore")
    client.force_login(steering_member)
    page = client.get(reverse("plan_import_preview", args=[plan.slug, _stash(plan)]))
    assert _choices(page.content.decode())["Cost"] == "keep"


def test_two_columns_chosen_for_the_same_field_is_an_error_and_changes_nothing(
    client, plan, steering_member
):
    client.force_login(steering_member)
    token = _stash(plan)
    choices = _choices(
        client.get(reverse("plan_import_preview", args=[plan.slug, token])).content.decode()
    )
    page = client.post(
        reverse("plan_import_mapping", args=[plan.slug, token]),
        _mapping(choices, Cost="description"),
    )
    assert page.status_code == 200
    assert "“Action” and “Cost” are both chosen as Action" in page.content.decode()
    assert storage.fetch(plan=plan, token=token).mapping is None


def test_a_table_whose_actions_column_is_not_known_asks_for_it(client, plan, steering_member):
    rows = [
        ["Project", "Time Line", "Update"],
        ["1. Local Access Points", None, None],
        ["Concentrate on FAQs for E&E", "Dec 2004", "FAQs collected"],
    ]
    client.force_login(steering_member)
    token = _stash(plan, rows)
    preview = reverse("plan_import_preview", args=[plan.slug, token])
    page = client.get(preview).content.decode()
    assert "No column is read as the actions" in page
    assert "Its rows are shown once a column is read as the actions." in page
    assert "Import 0 new" not in page
    client.post(
        reverse("plan_import_mapping", args=[plan.slug, token]),
        {"col-project": "description", "col-timeline": "target", "col-update": "progress"},
    )
    page = client.get(preview).content.decode()
    assert "No column is read as the actions" not in page
    assert "Import 1 new and 0 changed actions" in page


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("viewer", 403)])
def test_only_those_who_may_import_may_change_the_mapping(client, plan, persona, status, request):
    token = _stash(plan)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("plan_import_mapping", args=[plan.slug, token]), {"col-cost": "ignore"}
    )
    assert response.status_code == status
    assert storage.fetch(plan=plan, token=token).mapping is None


def test_the_mapping_page_takes_posts_only(client, plan, steering_member):
    client.force_login(steering_member)
    url = reverse("plan_import_mapping", args=[plan.slug, _stash(plan)])
    assert client.get(url).status_code == 405


def test_a_remembered_choice_does_not_take_a_field_from_a_column_named_for_it(
    client, plan, steering_member
):
    # Chosen for a file whose actions were in its "Project" column…
    ImportColumnChoice.objects.create(
        organisation=plan.organisation, heading="project", field="description"
    )
    client.force_login(steering_member)
    rows = [["Theme", "Project", "Action"], ["1", "Pilot Witney", "Survey visitors"]]
    page = client.get(reverse("plan_import_preview", args=[plan.slug, _stash(plan, rows)]))
    # …it is not applied to a file with an Action column of its own.
    choices = _choices(page.content.decode())
    assert (choices["Project"], choices["Action"]) == ("project", "description")
    rows = [["Project", "Time Line", "Update"], ["Survey visitors", "Dec 2004", "Drafted"]]
    page = client.get(reverse("plan_import_preview", args=[plan.slug, _stash(plan, rows)]))
    assert _choices(page.content.decode())["Project"] == "description"


NO_ACTION_COLUMN = [
    ["Item", "Lead officer", "Deadline"],
    ["1. Access"],
    ["Survey visitors", "RF", "Dec 2012"],
    ["Train staff", "PW", "Mar 2013"],
]


def _upload(client, plan: Plan, data: bytes, name: str = "plan.xlsx") -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("plan_import", args=[plan.slug])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()  # not refused
    return response["Location"]


def test_a_sheet_without_an_action_column_asks_for_it_with_an_error_summary_linking_the_field(
    client, plan, people, steering_member
):
    client.force_login(steering_member)
    preview = _upload(client, plan, xlsx({"Plan": NO_ACTION_COLUMN}))
    page = client.get(preview).content.decode()
    assert '<h2 class="govuk-error-summary__title">No column is read as the actions' in page
    message = "Choose the column of “Plan” that holds the actions, or choose to skip it."
    assert f'<a href="#id_action-1">{message}</a>' in page
    assert '<select class="govuk-select govuk-select--error" id="id_action-1"' in page
    assert "Which column of “Plan” holds the actions?" in page
    assert "Import 0 new" not in page and "Nothing can be imported until" in page

    token = preview.rstrip("/").rsplit("/", 1)[1]
    choices = _choices(page)
    mapping = reverse("plan_import_mapping", args=[plan.slug, token])
    unanswered = client.post(mapping, _mapping(choices) | {"action-1": ""})
    assert unanswered.status_code == 200
    assert f'<a href="#id_action-1">{message}</a>' in unanswered.content.decode()
    assert storage.fetch(plan=plan, token=token).mapping is None

    client.post(mapping, _mapping(choices) | {"action-1": "item"})
    page = client.get(preview).content.decode()
    assert "No column is read as the actions" not in page
    assert "Import 2 new and 0 changed actions" in page
    assert storage.fetch(plan=plan, token=token).mapping["item"] == "description"


def test_a_sheet_without_an_action_column_beside_a_plan_sheet_may_be_skipped(
    client, plan, people, steering_member
):
    client.force_login(steering_member)
    sheets = {
        "Plan": [["Ref", "Action", "Lead officer"], ["1. Access"], ["1(a)", "Open", "RF"]],
        "Costs": [["Item", "Lead officer", "Deadline", "Status"], ["Hire", "PW", "2013", "Done"]],
    }
    preview = _upload(client, plan, xlsx(sheets))
    page = client.get(preview).content.decode()
    assert 'href="#id_action-1">Choose the column of “Costs” that holds the actions' in page
    assert "Nothing can be imported until" in page  # nothing dropped without a word

    token = preview.rstrip("/").rsplit("/", 1)[1]
    mapping = reverse("plan_import_mapping", args=[plan.slug, token])
    client.post(mapping, _mapping(_choices(page)) | {"action-1": "skip"})
    page = client.get(preview).content.decode()
    assert "No column is read as the actions" not in page
    assert "“Costs”: skipped, as you chose" in page
    assert "Import 1 new and 0 changed actions" in page
    client.post(reverse("plan_import_confirm", args=[plan.slug, token]))
    assert list(Action.objects.values_list("description", flat=True)) == ["Open"]
