"""Every path that changes the plan records who, when, old and new (and why)."""

from datetime import date

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actionplan.forms import ProgressForm
from actionplan.history import action_history
from actionplan.models import Action, ActionOwner, Status
from actionplan.services import action_record_progress, action_revise_target


def _diff(record) -> dict[str, tuple]:
    previous = record.prev_record
    return {c.field: (c.old, c.new) for c in record.diff_against(previous).changes}


def _admin_form_data(page) -> dict:
    """What the admin change form would post back unchanged, inlines included."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for index, inline_form in enumerate(formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is not None:
                    key = f"{formset.prefix}-{index}-{name}"
                    data[key] = value.pk if hasattr(value, "pk") else value
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_admin_edit_records_user_time_old_and_new(client, action, plan_admin):
    client.force_login(plan_admin)
    before = timezone.now()
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    page = client.get(url)
    data = _admin_form_data(page)
    data.update(
        {
            "status": "on_track",
            "description": "Identify key customer contacts by reference to service/FAQs",
            "rag": "amber",
            "percent_complete": "30",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = Action.objects.get(pk=action.pk).history.first()
    assert record.history_user == plan_admin
    assert record.history_date >= before
    assert _diff(record) == {
        "status": ("not_started", "on_track"),
        "rag": ("", "amber"),
        "percent_complete": (None, 30),
        "description": (
            "Identify key customer contacts by reference to FAQs",
            "Identify key customer contacts by reference to service/FAQs",
        ),
    }


def test_admin_target_change_without_a_reason_is_refused(client, action, plan_admin):
    client.force_login(plan_admin)
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    response = client.post(
        url,
        {
            "theme": action.theme_id,
            "description": "x",
            "target": "Mar 2005",
            "status": "not_started",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Give the reason the target date changed" in errors["target_change_reason"][0]
    assert Action.objects.get(pk=action.pk).target == "Dec 2004"


def test_admin_history_page_lists_the_change(client, action, plan_admin):
    action_record_progress(
        action=action,
        reported_on=date(2004, 11, 30),
        narrative="Started",
        status=Status.ON_TRACK,
        user=plan_admin,
    )
    client.force_login(plan_admin)
    page = client.get(reverse("admin:actionplan_action_history", args=[action.pk]))
    text = page.content.decode()
    assert "pat.admin" in text and "Progress update of 30/11/2004" in text


def test_form_and_service_path_records_the_owner_as_author(action, action_owner):
    form = ProgressForm(
        data={
            "reported_on": "30/11/2004",
            "narrative": "FAQs completed",
            "status": "on_track",
            "rag": "green",
            "percent_complete": "50",
        },
        action=action,
    )
    assert form.is_valid(), form.errors
    action_record_progress(action=action, user=action_owner, **form.cleaned_data)
    record = Action.objects.get(pk=action.pk).history.first()
    assert record.history_user == action_owner
    assert _diff(record)["status"] == ("not_started", "on_track")


def test_command_path_records_the_named_user(action, plan_admin):
    # Simulate a parser improvement: the stored parsed dates are out of date.
    Action.objects.filter(pk=action.pk).update(target_latest=None, target_kind="unscheduled")
    call_command("reparse_targets", user=plan_admin.username)
    record = Action.objects.get(pk=action.pk).history.first()
    assert record.history_user == plan_admin
    assert record.history_change_reason == "Target dates re-read by the current date parser"
    assert (record.target_kind, record.target_latest) == ("month", date(2004, 12, 31))


def test_load_demo_command_records_the_demo_administrator_and_the_file(db):
    call_command("load_demo", verbosity=0)
    action = Action.objects.get(description__startswith="Identify key customer contacts")
    created = action.history.earliest()
    assert created.history_user.username == "admin"
    assert created.history_change_reason == "Demo data loaded from fixtures/plan_2004_annex2.json"
    assert created.history_type == "+"


def test_admin_owner_change_records_who_removed_and_who_now_leads(
    client, action, people, plan_admin
):
    client.force_login(plan_admin)
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    data = _admin_form_data(client.get(url))
    prefix = "action_owners"
    rows = {data[f"{prefix}-{i}-owner"]: i for i in range(data[f"{prefix}-TOTAL_FORMS"])}
    data[f"{prefix}-{rows[people['RF'].pk]}-DELETE"] = "on"
    data[f"{prefix}-{rows[people['PAG'].pk]}-is_lead"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    removed = ActionOwner.history.get(owner_id=people["RF"].pk, history_type="-")
    promoted = ActionOwner.history.filter(owner_id=people["PAG"].pk).first()
    assert removed.history_user == plan_admin and promoted.history_user == plan_admin
    assert _diff(promoted) == {"is_lead": (False, True)}
    assert list(action.action_owners.values_list("owner__short_name", "is_lead")) == [("PAG", True)]


def test_admin_refuses_two_lead_owners_and_changes_nothing(client, action, people, plan_admin):
    client.force_login(plan_admin)
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    data = _admin_form_data(client.get(url))
    for i in range(data["action_owners-TOTAL_FORMS"]):
        data[f"action_owners-{i}-is_lead"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "An action has only one lead owner" in response.content.decode()
    assert action.action_owners.filter(is_lead=True).count() == 1


def test_load_demo_records_owner_links_as_the_demo_administrator(db):
    call_command("load_demo", verbosity=0)
    link = ActionOwner.history.filter(owner__short_name="PAG").earliest()
    assert link.history_user.username == "admin"
    assert link.history_change_reason.startswith("Demo data loaded from fixtures/")


def test_people_in_history_are_named_by_full_name_and_username_never_removed_when_they_exist(
    client, action, plan_admin
):
    plan_admin.first_name, plan_admin.last_name = "Pat", "Admin"
    plan_admin.save()
    action_revise_target(action=action, new_target="Mar 2005", reason="Slipped", user=plan_admin)
    client.force_login(plan_admin)
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "(removed)" not in page
    assert "Pat Admin (pat.admin)" in page


def test_a_person_is_removed_only_when_their_account_is_gone(action, plan_admin, steering_member):
    action_revise_target(
        action=action, new_target="Mar 2005", reason="Slipped", user=steering_member
    )
    steering_member.delete()
    changes = [
        change
        for entry in action_history(action)
        for change in entry.changes
        if change.label == "Revised by"
    ]
    assert changes and all(str(c.new).endswith("(removed)") for c in changes)
