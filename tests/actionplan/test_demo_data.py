"""The seed plans are in the demo data completely and as written."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from actionplan.access import Role, owner_of, role_in_plan
from actionplan.models import Action, Owner, Plan, ProgressUpdate, Status
from standards.models import Standard

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plans, loaded once for this module and removed afterwards."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _row(action: Action) -> tuple:
    owners = [link.owner.label for link in action.action_owners.all()]
    updates = [u.narrative for u in action.updates.all()]
    return (action.reference, action.description, owners, action.target, action.status, updates)


def test_the_2004_plan_has_all_eight_sections_in_order(demo):
    plan = Plan.objects.get(slug="occ-customer-service-2004")
    assert [f"{t.reference}. {t.title}" for t in plan.themes.all()] == [
        "1. Local Access Points",
        "2. Customer Contact",
        "3. Customer Service Skills",
        "4. Telephone Access",
        "5. Commitment to Customers",
        "6. Website",
        "7. Intranet",
        "8. Customer Service Awareness",
    ]
    assert Action.objects.for_plan(plan).count() == 49
    assert plan.adopted_on == date(2004, 12, 7)


def test_section_4_telephone_access_is_complete_and_as_written(demo):
    actions = Action.objects.filter(
        theme__plan__slug="occ-customer-service-2004", theme__reference="4"
    )
    assert [_row(a) for a in actions] == [
        (
            "",
            "Identify key customer contacts by reference to service/FAQs",
            [],
            "Mid November 2004",
            Status.ON_TRACK,
            ["FAQs completed"],
        ),
        (
            "",
            "ICT to develop an electronic directory with search by service/FAQs, name, "
            "directorate etc)",
            ["ICT"],
            "Ongoing",
            Status.ON_TRACK,
            ["ICT\nTo be incorporated into web re-development"],
        ),
        ("", "Define updating arrangements", [], "2005", Status.NOT_STARTED, []),
        ("", "Implement use of system internally", [], "2005", Status.NOT_STARTED, []),
        ("", "Review suitability of system for use externally", [], "2005", Status.NOT_STARTED, []),
        ("", "Make system available for external use", [], "2005", Status.NOT_STARTED, []),
        (
            "",
            "Use FAQs and major services as the basis for a simplified OCC entry in the directory",
            [],
            "",
            Status.COMPLETED,
            ["Completed\nAwaiting proof from BT"],
        ),
        (
            "",
            "Further review the entry if/when an electronic directory is available",
            [],
            "2005",
            Status.NOT_STARTED,
            [],
        ),
    ]
    projects = {a.project.title for a in actions}
    assert projects == {
        "Develop an electronic directory to help customers to contact appropriate officers",
        "Simplify the County Council’s entry in the BT directory",
    }


def test_2004_target_dates_keep_their_words_and_know_their_days(demo):
    by_text = {
        a.description: a
        for a in Action.objects.filter(theme__plan__slug="occ-customer-service-2004")
    }
    mid = by_text["Identify key customer contacts by reference to service/FAQs"]
    assert (mid.target_earliest, mid.target_latest) == (date(2004, 11, 11), date(2004, 11, 20))
    sept = by_text[
        "Implement  ‘customer service’ in recruitment processes for E&E".replace("  ", " ")
    ]
    assert (sept.target, sept.target_kind, sept.target_latest) == (
        "Sept 2004 onwards",
        "from",
        None,
    )
    standards = by_text["Define standards in the Strategy to be approved Dec 2004"]
    assert (standards.original_target, standards.target, standards.replan_count) == (
        "Aug 2004",
        "Nov 2004",
        1,
    )


def test_the_cse_plan_has_five_criteria_and_all_its_actions(demo):
    plan = Plan.objects.get(slug="scdc-cse-action-plan-v4")
    assert plan.version_label == "V.4"
    assert [t.title for t in plan.themes.all()] == [
        "Customer Insight",
        "The Culture of the Organisation",
        "Information and Access",
        "Delivery",
        "Timeliness and Quality of Service",
    ]
    assert {t.kind for t in plan.themes.all()} == {"cse_criterion"}
    assert Action.objects.for_plan(plan).count() == 45


def test_criterion_3_information_and_access_is_complete_with_owners_and_targets(demo):
    actions = Action.objects.filter(
        theme__plan__slug="scdc-cse-action-plan-v4", theme__reference="3"
    ).select_related("project")
    rows = [
        (
            a.project.reference,
            a.reference,
            a.owners_as_written,
            [link.owner.label for link in a.action_owners.all()],
            a.target,
        )
        for a in actions
    ]
    assert rows == [
        ("1", "(1)", "Paul Knight", ["Paul Knight"], "Jan 11"),
        ("1", "(2)", "RF", ["RF"], "Nov 10"),
        ("1", "(3)", "RF / PAG", ["RF", "PAG"], "Jan 11"),
        ("1", "(4)", "RF / Gemma Barron", ["RF", "Gemma Barron"], "Oct 10"),
        ("1", "(5)", "RF / Richard May", ["RF", "RM"], "Sep 10"),
        ("1", "(6)", "RF", ["RF"], "Dec 10"),
        ("2", "(1)", "RF / Graham Middleton", ["RF", "Graham Middleton"], "Tba"),
        ("2", "(2)", "RF / Graham Middleton", ["RF", "Graham Middleton"], "Tba"),
        ("2", "(3)", "RF", ["RF"], "Nov 10"),
    ]
    lead = actions.get(project__reference="1", reference="(1)").action_owners.get(is_lead=True)
    assert lead.owner.name == "Paul Knight"
    survey = actions.get(project__reference="2", reference="(3)")
    assert [(u.reported_on, u.date_as_written, u.narrative) for u in survey.updates.all()] == [
        (date(2010, 9, 1), "Sept 2010", "Survey Drafted - Sept 2010"),
        (date(2010, 10, 1), "Oct 2010", "Survey consulted – Oct 2010"),
        (date(2010, 10, 31), "", "Implementation – Nov 2010"),
    ]
    tba = actions.get(project__reference="2", reference="(1)")
    assert tba.target_kind == "unscheduled"
    assert [(m.text, m.target, m.done_on) for m in tba.milestones.all()][0] == (
        "Staff surveyed",
        "Oct 10",
        date(2010, 10, 1),
    )


def test_owner_text_as_officers_write_it_resolves_to_people_and_groups(demo):
    action = Action.objects.get(
        theme__plan__slug="scdc-cse-action-plan-v4", theme__reference="1", reference="1(d)"
    )
    assert action.owners_as_written == "RF/ICT/CSE PAG"
    assert [(link.owner.name, link.owner.kind) for link in action.action_owners.all()] == [
        ("RF", "person"),
        ("ICT", "group"),
        ("Project Assurance Group", "group"),
    ]


def test_completed_demo_actions_carry_the_date_completion_was_reported(demo):
    completed = Action.objects.filter(status=Status.COMPLETED)
    assert completed.count() == 10
    assert all(a.completed_on == a.updates.last().reported_on for a in completed)
    # Only the last update of an action states the status the source gives.
    assert (
        not ProgressUpdate.objects.filter(status=Status.COMPLETED)
        .exclude(pk__in=[a.updates.last().pk for a in completed])
        .exists()
    )


def test_loading_twice_changes_nothing(demo):
    # Runs last in this module's order of use, but changes nothing either way.
    counts = (Plan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count())
    history = Action.history.count()
    call_command("load_demo", verbosity=0)
    assert (Plan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count()) == counts
    assert Action.history.count() == history


OCC_PLAN, SCDC_PLAN = "occ-customer-service-2004", "scdc-cse-action-plan-v4"


@pytest.mark.parametrize(
    ("username", "password", "occ_role", "scdc_role"),
    [
        (
            "admin",
            "demo-admin-pass",
            Role.ORGANISATION_ADMINISTRATOR,
            Role.ORGANISATION_ADMINISTRATOR,
        ),
        ("chair", "demo-chair-pass", Role.VIEWER, Role.STEERING_GROUP),
        ("owner", "demo-owner-pass", Role.NONE, Role.ACTION_OWNER),
        ("viewer", "demo-viewer-pass", Role.VIEWER, Role.VIEWER),
        ("scdc-admin", "demo-scdc-admin-pass", Role.NONE, Role.ORGANISATION_ADMINISTRATOR),
        ("occ-chair", "demo-occ-chair-pass", Role.STEERING_GROUP, Role.NONE),
    ],
)
def test_each_demo_login_holds_its_roles_in_each_council_with_the_password_in_the_readme(
    demo, username, password, occ_role, scdc_role
):
    user = authenticate(username=username, password=password)
    assert user is not None
    assert role_in_plan(user, Plan.objects.get(slug=OCC_PLAN)) == occ_role
    assert role_in_plan(user, Plan.objects.get(slug=SCDC_PLAN)) == scdc_role
    assert f"`{password}`" in Path("README.md").read_text(encoding="utf-8")


def test_the_demo_councils_keep_their_own_owners_and_standards(demo):
    occ, scdc = Plan.objects.get(slug=OCC_PLAN), Plan.objects.get(slug=SCDC_PLAN)
    assert occ.organisation.name == "Oxfordshire County Council"
    assert scdc.organisation.name == "South Cambridgeshire District Council"
    for plan in (occ, scdc):
        owners = Owner.objects.filter(owned_actions__action__theme__plan=plan)
        assert set(owners.values_list("organisation_id", flat=True)) == {plan.organisation_id}
    assert not Standard.objects.exclude(organisation=occ.organisation).exists()


def test_the_demo_owner_login_is_linked_to_its_owner(demo):
    owner_user = authenticate(username="owner", password="demo-owner-pass")
    owner = owner_of(owner_user)
    assert owner.name == "RF"
    assert owner.organisation.slug == "south-cambridgeshire"
    assert Action.objects.owned_by(owner).count() > 30
