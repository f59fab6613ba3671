"""Two councils in one deployment: nothing of one is ever found, shown, counted or printed for
the other.

Organisation B gets one of everything a URL can name (the access matrix's world). Every persona
of organisation A then tries every URL of B (404, never data, nothing changed), and, with a
unique marker written into every text field of B, reads every page, PDF, workbook and CSV of
its own organisation looking for the marker.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile

import pytest
from django.db import models
from django.urls import reverse

from accounts.models import Invitation, SignInProvider
from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Organisation,
    Owner,
    OwnerKind,
    Plan,
    ProgressUpdate,
    Project,
    PublishedReport,
    ReportJob,
    TargetRevision,
    Theme,
    Unit,
    UpdateRound,
)
from actionplan.services import action_set_owners
from consultation.models import Exercise, Finding, PublicPage, Recommendation, ScrutinyMeeting
from standards.cse.models import Evidence
from standards.models import PerformanceValue, Standard
from tests.conftest import make_action
from tests.test_access_matrix import (
    ALLOWED,
    GOES_ON,
    PAGES,
    POSTS,
    REFUSED,
    SUPERUSER,
    _fingerprint,
)
from tests.worlds import build_world

pytestmark = pytest.mark.django_db

A_PERSONAS = ["viewer", "action_owner", "steering_member", "org_admin"]
MARKER = "Zq9B~"  # the tilde is in no signed or base64 token, so only a leak matches

# Each model of organisation B and the path from it to its organisation.
OWNED_BY = {
    Organisation: "pk",
    Plan: "organisation",
    Theme: "plan__organisation",
    Project: "theme__plan__organisation",
    Action: "theme__plan__organisation",
    Milestone: "action__theme__plan__organisation",
    ProgressUpdate: "action__theme__plan__organisation",
    TargetRevision: "action__theme__plan__organisation",
    Owner: "organisation",
    Unit: "organisation",
    UpdateRound: "plan__organisation",
    PublishedReport: "plan__organisation",
    ReportJob: "plan__organisation",
    Exercise: "organisation",
    Finding: "exercise__organisation",
    PublicPage: "plan__organisation",
    ScrutinyMeeting: "plan__organisation",
    Recommendation: "meeting__plan__organisation",
    Standard: "organisation",
    PerformanceValue: "standard__organisation",
    Evidence: "plan__organisation",
    Invitation: "organisation",
    SignInProvider: "organisation",
}
# Text that is not free text: addresses, file names and codes.
NOT_FREE_TEXT = (models.SlugField, models.EmailField, models.URLField, models.FileField)


@pytest.fixture
def elsewhere(db, settings, tmp_path):
    """Organisation B, its plan and one of everything of it; returns the URL arguments."""
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = Organisation.objects.create(slug="elsewhere", name="Elsewhere Borough Council")
    plan = Plan.objects.create(
        slug="elsewhere-plan", title="Elsewhere plan", organisation=organisation, status="adopted"
    )
    theme = Theme.objects.create(plan=plan, reference="1", title="Access", position=1)
    project = Project.objects.create(theme=theme, reference="1", title="Contact centre")
    person = Owner.objects.create(organisation=organisation, name="Robin Fell", short_name="RF")
    group = Owner.objects.create(
        organisation=organisation, kind=OwnerKind.GROUP, name="Assurance group", short_name="AG"
    )
    action = make_action(project, description="Open a contact centre", target="Dec 2026")
    action_set_owners(action=action, owners=[person, group], user=None, reason="test")
    ProgressUpdate.objects.create(action=action, reported_on="2026-01-05", narrative="Site found")
    from django.contrib.auth import get_user_model

    login = get_user_model().objects.create_user(username="robin.elsewhere", password="x")
    world = build_world(plan=plan, project=project, action=action, owner=person, owner_login=login)
    Unit.objects.create(organisation=organisation, name="Elsewhere services", short_name="ES")
    return world


def _mark_every_text(organisation: Organisation) -> None:
    """Write the marker into every free-text field of everything organisation B has."""
    for model, path in OWNED_BY.items():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not isinstance(f, NOT_FREE_TEXT)
            and not f.choices
        ]
        for row in model.objects.filter(**{path: organisation.pk}):
            for field in fields:
                value = f"{MARKER} {field.name} {row.pk}"
                if field.max_length:
                    value = value[: field.max_length]
                setattr(row, field.attname, value)
            model.objects.filter(pk=row.pk).update(
                **{f.attname: getattr(row, f.attname) for f in fields}
            )


@pytest.mark.parametrize("persona", A_PERSONAS)
def test_organisation_a_finds_nothing_of_organisation_b_at_any_address(
    client, request, world, elsewhere, persona
):
    client.force_login(request.getfixturevalue(persona))
    for name, (kind, args) in sorted(PAGES.items()):
        # REFUSED: the single sign-on callback, which answers 403 to a visit it did not start.
        if kind in ("public", "self", GOES_ON, REFUSED) or not args:
            continue
        response = client.get(reverse(name, args=elsewhere[args]))
        assert response.status_code == 404, (name, persona, response.status_code)


@pytest.mark.parametrize("persona", A_PERSONAS)
def test_organisation_a_changes_nothing_of_organisation_b(
    client, request, world, elsewhere, persona
):
    client.force_login(request.getfixturevalue(persona))
    for name, (kind, args) in sorted(POSTS.items()):
        if kind == "self":
            continue
        before = _fingerprint()
        response = client.post(reverse(name, args=elsewhere[args]))
        assert response.status_code == 404, (name, persona, response.status_code)
        assert _fingerprint() == before, f"{persona} changed organisation B through {name}"


def _text_of(response) -> str:
    """What a reader of the response sees: the page, the CSV, a workbook's cells, a PDF's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(body)
            pdf.flush()
            done = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True)
        # The world's stored files are stand-ins ("%PDF-1.7"): read those as they are.
        return done.stdout.decode() if done.returncode == 0 else body.decode(errors="replace")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return " ".join(
                workbook.read(name).decode()
                for name in workbook.namelist()
                if name.endswith(".xml")
            )
    return body.decode(errors="replace")


@pytest.mark.parametrize("persona", A_PERSONAS)
def test_no_page_pdf_workbook_or_csv_of_organisation_a_shows_anything_of_b(
    client, request, world, elsewhere, persona
):
    _mark_every_text(Organisation.objects.get(slug="elsewhere"))
    user = request.getfixturevalue(persona)
    client.force_login(user)
    read = 0
    for name, (kind, args) in sorted(PAGES.items()):
        if name == "standards_public_index":
            continue  # lists every organisation that publishes its standards, by design
        if kind == SUPERUSER:
            continue  # the site's own pages: every organisation, for superusers only
        # The organisation administrator may do what the plan administrator may.
        as_persona = "plan_admin" if persona == "org_admin" else persona
        allowed = kind in ("public", "self", GOES_ON) or as_persona in ALLOWED.get(kind, ())
        if not allowed:
            continue
        url = reverse(name, args=world[args])
        if name == "action_add":
            url += f"?project={world['project'][0]}"
        response = client.get(url, follow=kind == GOES_ON)
        assert response.status_code == 200, (name, persona)
        assert MARKER not in _text_of(response), f"{name} shows organisation B to {persona}"
        read += 1
    assert read >= 35


def test_the_marker_would_be_found_if_it_leaked(client, world, elsewhere, steering_member):
    """The scan can fail: organisation B's own pages, read by its own chair, carry the marker."""
    from tests.conftest import make_user

    _mark_every_text(Organisation.objects.get(slug="elsewhere"))
    chair = make_user(
        "b.chair", "steering_group", organisation=Organisation.objects.get(slug="elsewhere")
    )
    client.force_login(chair)
    for name in ("plan_dashboard", "plan_browse_csv", "plan_browse_xlsx", "report_pdf"):
        response = client.get(reverse(name, args=elsewhere["plan"]))
        assert MARKER in _text_of(response), name


def test_an_owner_of_organisation_b_cannot_be_linked_to_an_action_of_a(action, elsewhere):
    from django.core.exceptions import ValidationError

    stranger = Owner.objects.get(organisation__slug="elsewhere", short_name="RF")
    with pytest.raises(ValidationError, match="plan's own organisation"):
        action_set_owners(action=action, owners=[stranger], user=None, reason="test")
    assert not ActionOwner.objects.filter(action=action, owner=stranger).exists()


SHEET = (
    b"Ref,Action,Responsible officer(s) / group,Target Completion Date\n"
    b"1. Local Access Points\n"
    b"1(a),Open a customer service centre,RF / PAG,Mid November 2004\n"
    b"1(b),Extend opening hours,Paul Williams,Sept 2004 onwards\n"
)


def test_the_same_council_sheet_imported_into_two_organisations_makes_owners_in_each(
    plan, people, elsewhere
):
    from actionplan.importing.apply import import_apply

    other = Plan.objects.get(slug="elsewhere-plan")
    for target in (plan, other):
        import_apply(plan=target, filename="plan.csv", data=SHEET, user=None, create_owners=True)
    for target in (plan, other):
        links = ActionOwner.objects.filter(action__theme__plan=target).select_related("owner")
        assert links, target
        assert {link.owner.organisation_id for link in links} == {target.organisation_id}
    # A's existing RF, PAG and Paul Williams were matched in A; B made (or had) its own.
    assert Owner.objects.filter(organisation=plan.organisation, name="RF").count() == 1
    assert Owner.objects.filter(organisation=other.organisation, short_name="RF").count() == 1
    assert Owner.objects.filter(organisation=other.organisation, name="Paul Williams").exists()
    assert not ActionOwner.objects.filter(
        action__theme__plan=other, owner__organisation=plan.organisation
    ).exists()


def test_the_committee_pdf_names_its_own_council_and_committee_and_only_its_standards(
    client, world, elsewhere, steering_member
):
    from standards.models import Standard as StandardModel

    StandardModel.objects.filter(organisation__slug="elsewhere").update(title="Otherton phones")
    Organisation.objects.filter(slug="test-council").update(committees="Cabinet")
    client.force_login(steering_member)
    plan = Plan.objects.get(organisation__slug="test-council")
    response = client.get(reverse("report_pdf", args=[plan.slug]))
    text = _text_of(response)
    pages = text.split("\f")
    assert "Test Council" in pages[0] and "Cabinet" in pages[0]
    # The running header and footer of a later page name the council and the committee.
    assert "Test Council: Customer Service Action Plan" in pages[1]
    assert "Cabinet:" in pages[1]
    assert "Telephone" in text  # the council's own standard
    assert "Otherton phones" not in text and "Elsewhere" not in text
