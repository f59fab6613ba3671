"""Personas and small builders shared by the whole suite."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplan.models import (
    Action,
    Membership,
    Organisation,
    Owner,
    OwnerKind,
    Plan,
    Project,
    Theme,
    UpdateRound,
)
from actionplan.organisations import OrganisationRole
from actionplan.services import action_set_owners

# The access matrix's world of one of everything (a fixture named `world`).
pytest_plugins = ["tests.worlds"]


def pytest_configure(config) -> None:
    # Password hashing at production strength is the slowest thing in the suite and proves nothing.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, close what the live servers' threads left open before the test database
    is dropped: otherwise the drop is refused ("being accessed by other users") and the
    database stays behind on the machine."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def home_council() -> Organisation:
    """The organisation the personas and the test plan belong to."""
    return Organisation.objects.get_or_create(
        slug="test-council", defaults={"name": "Test Council", "committees": "Executive"}
    )[0]


def make_user(username: str, role: str | None, organisation: Organisation | None = None, **extra):
    """A login with `role` across every plan of `organisation` (the test council by default)."""
    user = get_user_model().objects.create_user(
        username=username, password="pass-for-tests-only", **extra
    )
    if role:
        Membership.objects.create(user=user, organisation=organisation or home_council(), role=role)
    return user


@pytest.fixture
def organisation(db) -> Organisation:
    return home_council()


# The personas: username, role in the test council, and what else their login has.
PERSONAS: dict[str, tuple[str, str | None, dict]] = {
    "plan_admin": (
        "pat.admin",
        OrganisationRole.PLAN_ADMINISTRATOR,
        {"is_staff": True, "is_superuser": True},
    ),
    # The test council's organisation administrator: every role in its plans, no other's.
    "org_admin": ("ola.orgadmin", OrganisationRole.ORGANISATION_ADMINISTRATOR, {}),
    "steering_member": ("sam.steering", OrganisationRole.STEERING_GROUP, {}),
    "action_owner": ("olly.owner", OrganisationRole.ACTION_OWNER, {}),
    "viewer": ("vic.viewer", OrganisationRole.VIEWER, {}),
    "outsider": ("oscar.outsider", None, {}),
}


def make_persona(persona: str):
    """The login of one of PERSONAS."""
    username, role, extra = PERSONAS[persona]
    return make_user(username, role, **extra)


@pytest.fixture
def plan_admin(db):
    return make_persona("plan_admin")


@pytest.fixture
def org_admin(db):
    return make_persona("org_admin")


@pytest.fixture
def steering_member(db):
    return make_persona("steering_member")


@pytest.fixture
def action_owner(db):
    return make_persona("action_owner")


@pytest.fixture
def viewer(db):
    return make_persona("viewer")


@pytest.fixture
def outsider(db):
    return make_persona("outsider")


def make_plan() -> Plan:
    """The test plan, adopted, of the test council."""
    return Plan.objects.create(
        slug="test-plan",
        title="Customer Service Action Plan",
        organisation=home_council(),
        status="adopted",
    )


def make_theme(plan: Plan) -> Theme:
    return Theme.objects.create(plan=plan, reference="4", title="Telephone Access", position=4)


def make_project(theme: Theme) -> Project:
    return Project.objects.create(
        theme=theme, reference="1", title="Develop an electronic directory"
    )


def make_people() -> dict[str, Owner]:
    """Two people and a group of the test council who own actions."""
    council = home_council()
    rf = Owner.objects.create(organisation=council, name="RF", short_name="RF")
    pw = Owner.objects.create(organisation=council, name="Paul Williams", short_name="PW")
    pag = Owner.objects.create(
        organisation=council,
        kind=OwnerKind.GROUP,
        name="Project Assurance Group",
        short_name="PAG",
        aliases="CSE PAG",
    )
    return {"RF": rf, "PW": pw, "PAG": pag}


def make_action(project: Project, **fields) -> Action:
    """An action in `project`, saved through the model so its target is parsed."""
    fields.setdefault("reference", f"1({chr(97 + project.actions.count())})")
    fields.setdefault("description", "Identify key customer contacts by reference to FAQs")
    fields.setdefault("target", "Dec 2004")
    action = Action(theme=project.theme, project=project, **fields)
    action.full_clean()
    action.save()
    return action


def make_owned_action(project: Project, people: dict[str, Owner]) -> Action:
    """The test action, owned by RF and the Project Assurance Group."""
    action = make_action(project, owners_as_written="RF / PAG")
    action_set_owners(action=action, owners=[people["RF"], people["PAG"]], user=None, reason="test")
    return action


@pytest.fixture
def plan(db) -> Plan:
    return make_plan()


@pytest.fixture
def draft_plan(plan) -> Plan:
    """The same plan, not yet adopted: only the steering group sees it."""
    plan.status = "draft"
    plan.save()
    return plan


@pytest.fixture
def theme(plan) -> Theme:
    return make_theme(plan)


@pytest.fixture
def project(theme) -> Project:
    return make_project(theme)


@pytest.fixture
def people(db) -> dict[str, Owner]:
    return make_people()


@pytest.fixture
def action(project, people) -> Action:
    return make_owned_action(project, people)


def make_open_round(plan: Plan, *, opened_at: datetime) -> UpdateRound:
    """An open update round on `plan`, its deadline two weeks and its meeting three after."""
    opened_on = timezone.localdate(opened_at)
    return UpdateRound.objects.create(
        plan=plan,
        title="Steering group",
        meeting_date=opened_on + timedelta(days=21),
        deadline=opened_on + timedelta(days=14),
        opened_at=opened_at,
    )


@pytest.fixture
def worker(transactional_db):
    """Runs the real background worker once (tests/workers.py). Its housekeeping closes the
    database connection between tasks, which only works outside a test's wrapping transaction,
    hence a transactional database (as the worker has in production)."""
    from tests.workers import run_worker

    return run_worker
