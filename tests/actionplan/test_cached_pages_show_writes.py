"""Cached pages show every write at once: the writes that change what a plan's pages show
without touching the plan's own rows (a login renamed, the owners register, the organisation,
standards figures, findings) move its stamp too.

Each test reads a page twice (the second from the cache), writes the way a person would, and
reads it again: the change shows, and the page is exactly what an uncached render gives.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from lxml import html

from actionplan.models import Action, ActionOwner, Organisation, Plan, Unit
from actionplan.services import action_record_progress, save_with_history
from consultation.models import Exercise, Finding, FindingAction
from consultation.services import finding_save
from standards.dashboard import standards_panel
from standards.models import Better, Standard
from standards.performance import history_start, performance_of, values_for
from standards.services import Figure, performance_record
from tests.security.reference import reference_data_load

pytestmark = pytest.mark.django_db

PLAN = "scdc-cse-action-plan-v4"
PUBLIC_PLAN = "occ-customer-service-2004"  # with standards figures and consultation
MAIN = re.compile(r"<main.*</main>", re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plans, loaded once for this module."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        reference_data_load()  # what migrations load, for the tests that follow


@pytest.fixture
def plan(demo) -> Plan:
    return Plan.objects.get(slug=PLAN)


@pytest.fixture
def chair(demo):
    return get_user_model().objects.get(username="chair")


@pytest.fixture
def superuser(demo):
    return get_user_model().objects.get(username="admin")


def main(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    # Form tokens are the viewer's own and never cached: left out of the comparison.
    return TOKEN.sub("", MAIN.search(response.content.decode()).group())


def cached_then(client, url: str) -> str:
    """The page, read twice so that the second comes from the cache."""
    first = main(client, url)
    assert main(client, url) == first
    return first


def as_uncached(client, url: str) -> str:
    """The page read after a write, checked against a render with the cache emptied."""
    after = main(client, url)
    cache.clear()
    assert main(client, url) == after, "the cached page is stale"
    return after


def _rows(plan: Plan):
    """Every standard the plan's dashboard reports on, with its figures."""
    today = timezone.localdate()
    standards = (
        Standard.objects.in_organisation(plan.organisation_id)
        .in_force(today)
        .filter(Q(plan=plan) | Q(plan__isnull=True))
    )
    return performance_of(list(standards), values_for(standards, since=history_start(today)))


def post_form(client, url: str, changes: dict[str, str]):
    """Submit the page's main form as a browser would, with `changes` typed in."""
    tree = html.fromstring(client.get(url).content.decode())
    posting = [f for f in tree.forms if (f.method or "").lower() == "post"]
    form = max(posting, key=lambda f: len(f.inputs))  # not the header's sign-out form
    values = dict(form.form_values())
    values.update(changes)
    response = client.post(url, values)
    errors = re.findall(r'class="[^"]*(?:errorlist|error-message)[^"]*">(.*?)<', response.text)
    assert response.status_code == 302, errors
    client.get(reverse("accessibility"))  # shows, and so clears, the "saved" message


def test_a_login_renamed_in_the_administration_screens_is_renamed_on_cached_pages(
    client, plan, chair, superuser
):
    action = Action.objects.for_plan(plan).order_by("pk").first()
    action.notes = f"{action.notes} Reviewed."
    save_with_history(action, user=chair, reason="Reviewed at the March meeting")
    dashboard = reverse("plan_dashboard", args=[plan.slug])
    client.force_login(chair)
    before = cached_then(client, dashboard)
    assert "(chair)" in before and "Charlotte Renamed" not in before

    client.force_login(superuser)
    change = reverse("admin:auth_user_change", args=[chair.pk])
    post_form(client, change, {"first_name": "Charlotte", "last_name": "Renamed"})

    client.force_login(chair)
    assert "Charlotte Renamed (chair)" in as_uncached(client, dashboard)


def test_an_owner_renamed_in_the_owners_register_is_renamed_on_a_cached_action_page(
    client, plan, chair
):
    link = ActionOwner.objects.filter(action__plan=plan).select_related("owner").first()
    page = reverse("action_detail", args=[link.action_id])
    client.force_login(chair)
    assert link.owner.name in cached_then(client, page)

    admin = get_user_model().objects.get(username="scdc-admin")
    client.force_login(admin)
    post_form(client, reverse("owner_edit", args=[link.owner_id]), {"name": "Renamed Owner"})

    client.force_login(chair)
    assert "Renamed Owner" in as_uncached(client, page)


def test_a_unit_renamed_in_the_owners_register_is_renamed_on_a_cached_action_page(
    client, plan, chair
):
    unit = Unit.objects.create(organisation=plan.organisation, name="Customer Services")
    action = Action.objects.for_plan(plan).order_by("pk").first()
    action.unit = unit
    save_with_history(action, user=None, reason="Test")
    page = reverse("action_detail", args=[action.pk])
    client.force_login(chair)
    assert "Customer Services" in cached_then(client, page)

    client.force_login(get_user_model().objects.get(username="scdc-admin"))
    post_form(client, reverse("unit_edit", args=[unit.pk]), {"name": "Customer Contact"})

    client.force_login(chair)
    assert "Customer Contact" in as_uncached(client, page)


def test_an_organisation_renamed_is_renamed_on_its_cached_public_pages(client, plan, superuser):
    organisation = plan.organisation
    organisation.public_pages = True
    save_with_history(organisation, user=None, reason="Test")
    standards = reverse("standards_public", args=[organisation.slug])
    assert organisation.name in cached_then(client, standards)

    client.force_login(superuser)
    change = reverse("admin:actionplan_organisation_change", args=[organisation.pk])
    post_form(client, change, {"name": "Greater Cambridge Council"})
    client.logout()

    assert "Greater Cambridge Council" in as_uncached(client, standards)
    assert Organisation.objects.get(pk=organisation.pk).name == "Greater Cambridge Council"


def test_a_standards_figure_shows_on_the_cached_dashboard(client, demo):
    plan = Plan.objects.get(slug=PUBLIC_PLAN)
    dashboard = reverse("plan_dashboard", args=[plan.slug])
    client.force_login(get_user_model().objects.get(username="occ-chair"))
    missed = {row.standard.pk for row in standards_panel(plan, timezone.localdate()).missed}
    row = next(
        r
        for r in _rows(plan)
        if r.latest and r.standard.better == Better.HIGHER and r.standard.pk not in missed
    )
    named = f"{row.standard.reference} {row.standard.title}</a>:"
    assert named not in cached_then(client, dashboard)

    figure = Figure(standard=row.standard, period=row.latest.period, value=Decimal(0))
    performance_record(figures=[figure], user=None, reason="Corrected")

    assert named in as_uncached(client, dashboard)


def test_a_finding_no_action_answers_shows_on_the_cached_dashboard(client, demo):
    plan = Plan.objects.get(slug=PUBLIC_PLAN)
    dashboard = reverse("plan_dashboard", args=[plan.slug])
    client.force_login(get_user_model().objects.get(username="occ-chair"))
    before = cached_then(client, dashboard)
    exercise = Exercise.objects.filter(plan=plan).first()
    finding = Finding(
        exercise=exercise,
        said="The phone queue is too long on Mondays",
        strength_as_written="many said",
    )
    finding_save(finding=finding, themes=[], user=None)

    after = as_uncached(client, dashboard)
    assert after != before


# The public pages, cached the same way ------------------------------------------------------


def test_progress_on_a_responding_action_shows_on_the_cached_you_said_we_did_page(client, demo):
    plan = Plan.objects.get(slug=PUBLIC_PLAN)
    page = reverse("you_said_we_did", args=[plan.organisation.slug, plan.slug])
    assert "Queue cleared by the new rota" not in cached_then(client, page)
    link = FindingAction.objects.filter(finding__exercise__plan=plan, finding__published=True)[0]
    action_record_progress(
        action=link.action,
        reported_on=timezone.localdate(),
        narrative="Queue cleared by the new rota",
        user=None,
    )
    assert "Queue cleared by the new rota" in as_uncached(client, page)


def test_the_you_said_we_did_page_comes_from_the_cache_the_second_time(
    client, demo, django_assert_max_num_queries
):
    plan = Plan.objects.get(slug=PUBLIC_PLAN)
    page = reverse("you_said_we_did", args=[plan.organisation.slug, plan.slug])
    cached_then(client, page)
    # the plan with its organisation, its public page settings, its change stamp
    with django_assert_max_num_queries(3):
        main(client, page)


def test_a_published_figure_shows_on_the_cached_public_standards_page(
    client, demo, django_assert_max_num_queries
):
    plan = Plan.objects.get(slug=PUBLIC_PLAN)
    organisation = plan.organisation
    organisation.public_pages = True
    save_with_history(organisation, user=None, reason="Test")
    page = reverse("standards_public", args=[organisation.slug])
    before = cached_then(client, page)
    row = next(r for r in _rows(plan) if r.latest and r.standard.published)
    figure = Figure(standard=row.standard, period=row.latest.period, value=Decimal("12.5"))
    performance_record(figures=[figure], publish=True, user=None, reason="Corrected")
    after = as_uncached(client, page)
    assert after != before and "12.5" in after
    # From the cache: the organisation, its plans, their stamps and the site's.
    with django_assert_max_num_queries(3):
        assert main(client, page) == after
