"""Plans set up in the product: a new plan (empty, from a spreadsheet), the next version of a
plan (open actions carried over, history kept, the old one archived and read-only), and a
plan's settings."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Plan,
    PlanStatus,
    Status,
)
from actionplan.plan_forms import PlanSettingsForm
from actionplan.plan_setup import PlanDetails, plan_next_version
from actionplan.services import action_record_progress, action_revise_target
from tests.conftest import make_action
from tests.formstate import loaded


def add_plan(client, organisation, **fields):
    data = {
        "start": "empty",
        "title": "Customer Access Strategy",
        "slug": "",
        "version_label": "V.1",
        "status": PlanStatus.DRAFT,
        **fields,
    }
    return client.post(reverse("plan_add", args=[organisation.slug]), data)


def test_an_organisation_administrator_adds_an_empty_plan_with_an_address_from_its_title(
    client, organisation, org_admin
):
    client.force_login(org_admin)

    response = add_plan(client, organisation, period_start="1/4/2026", period_end="31/3/2027")

    plan = Plan.objects.get()
    assert plan.slug == "customer-access-strategy" and plan.organisation == organisation
    assert plan.period_start == date(2026, 4, 1)
    assert response["Location"] == reverse("plan_structure", args=[plan.slug])
    assert plan.history.get().history_user == org_admin
    add_plan(client, organisation)
    assert Plan.objects.filter(slug="customer-access-strategy-2").exists()


def test_a_plan_from_a_spreadsheet_goes_on_to_the_import_preview(client, organisation, org_admin):
    client.force_login(org_admin)

    response = add_plan(client, organisation, start="spreadsheet", slug="cas")

    assert response["Location"] == reverse("plan_import", args=["cas"])


def test_a_typed_address_already_in_use_is_refused_with_a_message(
    client, organisation, org_admin, plan
):
    client.force_login(org_admin)

    response = add_plan(client, organisation, slug=plan.slug)

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Plan.objects.count() == 1


def test_only_organisation_administrators_add_plans(
    client, organisation, steering_member, outsider
):
    client.force_login(steering_member)
    assert add_plan(client, organisation).status_code == 403
    client.force_login(outsider)
    assert add_plan(client, organisation).status_code == 404
    assert not Plan.objects.exists()


def test_the_next_version_carries_open_actions_over_and_keeps_every_history_record(
    client, organisation, org_admin, plan, project, action, people
):
    done = make_action(project, description="Publish the directory")
    action_record_progress(
        action=done,
        reported_on=date(2011, 1, 5),
        narrative="Done",
        status=Status.COMPLETED,
        user=None,
    )
    action_revise_target(action=action, new_target="Mar 2005", reason="Delayed", user=None)
    Milestone.objects.create(action=action, text="FAQs drafted", target="Jan 2005")
    history_before = {
        model: set(model.history.values_list("history_id", flat=True))
        for model in (Action, ActionOwner, Plan)
    }
    client.force_login(org_admin)

    response = add_plan(
        client,
        organisation,
        start="next_version",
        previous=plan.pk,
        title=plan.title,
        version_label="V.2",
        status=PlanStatus.ADOPTED,
    )

    new_plan = Plan.objects.get(version_label="V.2")
    assert response["Location"] == reverse("plan_dashboard", args=[new_plan.slug])
    carried = Action.objects.for_plan(new_plan).get()
    assert carried.carried_over_from == action
    assert (carried.target, carried.original_target, carried.replan_count) == (
        "Mar 2005",
        "Dec 2004",
        1,
    )
    assert [o.owner for o in carried.action_owners.all()] == [people["RF"], people["PAG"]]
    assert carried.milestones.get().text == "FAQs drafted"
    assert not Action.objects.for_plan(new_plan).filter(description=done.description).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ARCHIVED
    for model, ids in history_before.items():
        assert ids <= set(model.history.values_list("history_id", flat=True)), model
    page = client.get(reverse("action_detail", args=[carried.pk])).content.decode()
    assert reverse("action_detail", args=[action.pk]) in page


def test_an_archived_plan_refuses_every_change_on_the_server(
    client, organisation, plan, action, steering_member, people
):
    plan_next_version(previous=plan, details=PlanDetails(title="Next", slug="next"), user=None)
    client.force_login(steering_member)
    version = Action.objects.get(pk=action.pk).version

    assert client.get(reverse("action_edit", args=[action.pk])).status_code == 403
    assert client.get(reverse("theme_add", args=[plan.slug])).status_code == 403
    assert client.post(reverse("action_no_change", args=[action.pk])).status_code == 403
    assert client.get(reverse("round_open", args=[plan.slug])).status_code == 403
    assert client.get(reverse("plan_import", args=[plan.slug])).status_code == 403
    assert Action.objects.get(pk=action.pk).version == version
    page = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    assert "This plan is archived" in page


def test_a_plan_administrator_changes_the_plans_settings(client, plan, plan_admin, steering_member):
    client.force_login(steering_member)
    url = reverse("plan_settings", args=[plan.slug])
    assert client.get(url).status_code == 403
    client.force_login(plan_admin)

    response = client.post(
        url,
        {
            "title": plan.title,
            "slug": plan.slug,
            "status": PlanStatus.ADOPTED,
            "committee": "Cabinet",
            "awaiting_update_days": "30",
            "loaded": loaded(plan, PlanSettingsForm.Meta.fields),
        },
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.committee, plan.awaiting_update_days) == ("Cabinet", 30)
    assert plan.history.first().history_change_reason == "Plan settings changed"


def test_a_refused_settings_page_still_names_the_plan_as_stored(client, plan, plan_admin):
    """A title typed into a form that was refused is not shown as the plan's name."""
    client.force_login(plan_admin)
    url = reverse("plan_settings", args=[plan.slug])
    fields = PlanSettingsForm.Meta.fields
    data = {
        "title": "A title typed but never saved",
        "slug": plan.slug,
        "status": plan.status,
        "committee": "Cabinet",
        "awaiting_update_days": "soon",  # refused: not a number
        "loaded": loaded(plan, fields),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    caption = page[page.index('class="govuk-caption-l"') :][:300]
    assert plan.title in caption and "typed but never saved" not in caption
    assert 'value="A title typed but never saved"' in page  # the form keeps what was typed
    plan.refresh_from_db()
    assert plan.title != "A title typed but never saved"


def test_a_plan_with_an_open_round_is_not_replaced_until_the_round_closes(
    client, organisation, org_admin, plan, action
):
    from django.utils import timezone

    from tests.conftest import make_open_round

    make_open_round(plan, opened_at=timezone.now())
    client.force_login(org_admin)

    response = add_plan(client, organisation, start="next_version", previous=plan.pk, title="V2")

    assert response.status_code == 200
    assert "has an open update round" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED and Plan.objects.count() == 1
