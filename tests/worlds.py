"""One of everything of a plan that a URL can name: the access matrix's world, also used by
the isolation and public-page tests (registered as a plugin in tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
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


@pytest.fixture
def world(plan, theme, project, action, people, action_owner, steering_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(
        plan=plan, project=project, action=action, owner=people["RF"], owner_login=action_owner
    )


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
