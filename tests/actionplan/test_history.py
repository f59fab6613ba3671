"""Every path that changes the plan records who, when, old and new (and why)."""

from datetime import date

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actionplan.forms import ProgressForm
from actionplan.models import Action, Status
from actionplan.services import action_record_progress


def _diff(record) -> dict[str, tuple]:
    previous = record.prev_record
    return {c.field: (c.old, c.new) for c in record.diff_against(previous).changes}


def test_admin_edit_records_user_time_old_and_new(client, action, plan_admin):
    client.force_login(plan_admin)
    before = timezone.now()
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "theme": action.theme_id,
            "project": action.project_id,
            "status": "on_track",
            "description": "Identify key customer contacts by reference to service/FAQs",
            "target": "Dec 2004",
            "rag": "amber",
            "target_change_reason": "",
            "completed_on": "",
            "percent_complete": "30",
            "unit": "",
        }
    )
    for prefix, formset in [
        (f.formset.prefix, f.formset) for f in page.context["inline_admin_formsets"]
    ]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": formset.total_form_count(),
                f"{prefix}-INITIAL_FORMS": formset.initial_form_count(),
            }
        )
        for index, inline_form in enumerate(formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is not None:
                    data[f"{prefix}-{index}-{name}"] = value.pk if hasattr(value, "pk") else value
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
