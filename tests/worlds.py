"""One of everything of a plan that a URL can name: the access matrix's world, also used by
the isolation and public-page tests (registered as a plugin in tests/conftest.py).

`world` builds it for one test; `shared_world` builds it once per test module (with every
persona's login) and gives each test it in the test's own transaction, rolled back after the
test like any other, and a fresh copy of its files: each test still meets the world as built.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Invitation, SignInProvider
from accounts.services import invitation_token
from actionplan.importing.storage import stash
from actionplan.models import Milestone, PublishedReport, ReportJob, ReportJobState, Unit
from actionplan.rounds import round_open
from consultation.models import (
    Exercise,
    Finding,
    FindingAction,
    PublicPage,
    Recommendation,
    RecommendationAction,
    ScrutinyMeeting,
)
from standards.cse.models import Evidence
from standards.models import Standard, StandardAction
from tests.conftest import (
    make_owned_action,
    make_people,
    make_persona,
    make_plan,
    make_project,
    make_theme,
)


@pytest.fixture
def world(plan, theme, project, action, people, action_owner, steering_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(
        plan=plan, project=project, action=action, owner=people["RF"], owner_login=action_owner
    )


# The logins of the shared world: the access matrix's personas (the world's own two included).
WORLD_PERSONAS = ("plan_admin", "steering_member", "action_owner", "viewer", "outsider")


@dataclass(frozen=True)
class SharedWorld:
    """The world's names → URL arguments (`world["action"]`), and each persona's login."""

    objects: dict[str, list]
    logins: dict[str, int]
    media: Path

    def __getitem__(self, name: str) -> list:
        return self.objects[name]

    def login(self, persona: str) -> AbstractBaseUser:
        """A fresh copy of the persona's user (what a test did to the last copy is gone)."""
        return get_user_model().objects.get(pk=self.logins[persona])


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SharedWorld]:
    """The world, built once for the module inside a transaction that is rolled back when the
    module's tests are done (Django's TestCase.setUpTestData does the same per class); each
    test's own transaction is a savepoint within it (the `db` fixture)."""
    media = tmp_path_factory.mktemp("world-media")
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media):
                logins = {persona: make_persona(persona).pk for persona in WORLD_PERSONAS}
                plan = make_plan()
                project = make_project(make_theme(plan))
                people = make_people()
                objects = build_world(
                    plan=plan,
                    project=project,
                    action=make_owned_action(project, people),
                    owner=people["RF"],
                    owner_login=get_user_model().objects.get(pk=logins["action_owner"]),
                )
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield SharedWorld(objects=objects, logins=logins, media=media)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def shared_world(_module_world, db, settings, tmp_path) -> SharedWorld:
    """The module's world as built, for this test: its rows (the test's writes are rolled back
    after it), a copy of its files, and no page fragment cached by an earlier test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    shutil.copytree(_module_world.media, settings.MEDIA_ROOT)
    cache.clear()
    return _module_world


def build_world(*, plan, project, action, owner, owner_login) -> dict[str, list]:
    """One of everything of `plan` (and its organisation) that a URL can name: name → args.

    `owner` (a person owning `action`) gets `owner_login` as its login."""
    theme = project.theme
    organisation = plan.organisation
    owner.user = owner_login
    owner.email = "rf@example.gov.uk"  # an update round asks only whom it can e-mail
    owner.save()
    milestone = Milestone.objects.create(action=action, text="FAQs drafted", target="Nov 2004")
    opened = round_open(
        plan=plan,
        title="Steering group",
        meeting_date=timezone.localdate() + timedelta(days=9),
        deadline=timezone.localdate() + timedelta(days=5),
        user=None,
        base_url="http://testserver",
    )
    revert_to = action.history.earliest().history_id
    published = PublishedReport(
        plan=plan,
        committee="Executive",
        meeting_date=opened.update_round.meeting_date,
        title="Progress report",
        as_at=timezone.now(),
    )
    published.pdf.save("executive.pdf", ContentFile(b"%PDF-1.7"), save=False)
    published.xlsx.save("executive.xlsx", ContentFile(b"PK"), save=False)
    published.save()
    job = ReportJob(plan=plan, kind="pdf", state=ReportJobState.DONE, file_name="report.pdf")
    job.file.save("report.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.save()
    cse_evidence = Evidence.objects.create(
        plan=plan, title="Survey", text="Run", dated=opened.update_round.meeting_date
    )
    exercise = Exercise.objects.create(
        organisation=organisation, plan=plan, title="Residents' survey", method="other"
    )
    finding = Finding.objects.create(exercise=exercise, said="Answer the phone", published=True)
    FindingAction.objects.create(finding=finding, action=action)
    PublicPage.objects.create(plan=plan, you_said_we_did_published=True)
    meeting = ScrutinyMeeting.objects.create(plan=plan, body="Scrutiny", title="Review")
    recommendation = Recommendation.objects.create(meeting=meeting, reference="(i)", text="Do")
    RecommendationAction.objects.create(recommendation=recommendation, action=action)
    standard = Standard.objects.create(
        organisation=organisation,
        reference="T1",
        title="Telephone",
        channel="telephone",
        commitment="Answer calls.",
    )
    link = StandardAction.objects.create(standard=standard, action=action)
    unit = Unit.objects.create(organisation=organisation, name="Customer Services")
    SignInProvider.objects.create(
        organisation=organisation,
        issuer="http://127.0.0.1:9",
        client_id="actionplan",
        client_secret="not-used",
        allowed_domains="example.gov.uk",
    )
    invitation = Invitation.objects.create(organisation=organisation, email="new@example.gov.uk")
    import_token = stash(
        plan=plan, filename="plan.csv", data=b"Theme,Action\n4,Imported action\n", uploaded_by="x"
    )
    return {
        "": [],
        "org": [organisation.slug],
        "public_plan": [organisation.slug, plan.slug],
        "plan": [plan.slug],
        "theme": [theme.pk],
        "project": [project.pk],
        "action": [action.pk],
        "milestone": [milestone.pk],
        "round": [opened.update_round.pk],
        "revert": [action.pk, revert_to],
        "published": [published.pk],
        "published_file": [published.pk, "pdf"],
        "report_job": [job.pk],
        "report_job_request": [plan.slug, "pdf"],
        "cse_evidence": [cse_evidence.pk],
        "exercise": [exercise.pk],
        "finding": [finding.pk],
        "finding_action": [finding.pk, action.pk],
        "meeting": [meeting.pk],
        "recommendation": [recommendation.pk],
        "recommendation_action": [recommendation.pk, action.pk],
        "standard": [standard.pk],
        "standard_link": [link.pk],
        "import": [plan.slug, import_token],
        "owner": [owner.pk],
        "unit": [unit.pk],
        "login": [organisation.slug, owner_login.pk],
        "invitation": [invitation_token(invitation)],
        "invitation_pk": [organisation.slug, invitation.pk],
        "reset": ["MQ", "no-such-token"],
    }
