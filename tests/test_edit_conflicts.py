"""Every edit form refuses to save over someone else's change, then keeps both people's changes.

One mechanism (actionplan.conflicts, forms.ConflictCheckedForm) on every edit page: actions,
themes and projects are tested beside their own views; here milestones, consultation exercises
and findings, scrutiny recommendations, service standards and CSE evidence, each as a person
would use it: open the form, someone else saves, save, read the refusal, save again.

Forms that edit a set of linked rows (a theme's CSE criteria, an action's CSE sub-criteria)
compare the set: two people ticking different boxes both keep what they ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import unescape

import pytest
from django.core import signing
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import SignInProvider
from actionplan.models import GroupMembership, Milestone, Owner, OwnerKind, Theme, Unit
from actionplan.organisations import OrganisationRole
from actionplan.services import save_with_history
from consultation.models import PublicPage
from standards.cse.models import (
    ActionSubCriterion,
    Criterion,
    EvidenceAction,
    SubCriterion,
    ThemeCriterion,
)
from standards.cse.reference import cse_reference_load
from standards.models import Standard
from tests.conftest import make_user
from tests.consultation.conftest import make_exercise, make_finding, make_recommendation
from tests.security.htmlforms import main_form
from tests.standards.conftest import record_evidence
from tests.standards.performance.conftest import make_standard


@dataclass(frozen=True)
class Case:
    url_name: str
    make: Callable[..., models.Model]
    noun: str
    theirs: tuple[str, str]  # the field someone else changes, and their value
    mine: tuple[str, str]  # the field this user changes, and their value
    extra: tuple[tuple[str, str], ...] = ()  # other answers the form needs
    url_args: Callable[[models.Model], list] = lambda obj: [obj.pk]
    editor: str = "steering_member"  # the persona fixture who may edit it


def _milestone(plan, action):
    milestone = Milestone(action=action, text="Consult staff", target="Nov 2004")
    milestone.save()
    return milestone


def _sub_criterion() -> SubCriterion:
    cse_reference_load()  # the data migration's rows are gone after a flushing test
    return SubCriterion.objects.order_by("pk").first()


CASES = {
    "milestone": Case(
        "milestone_edit",
        _milestone,
        "milestone",
        ("text", "Consult staff and unions"),
        ("target", "Oct 2004"),
    ),
    "exercise": Case(
        "exercise_edit",
        lambda plan, action: make_exercise(plan),
        "exercise",
        ("summary", "Their summary"),
        ("title", "My title"),
    ),
    "finding": Case(
        "finding_edit",
        lambda plan, action: make_finding(make_exercise(plan)),
        "finding",
        ("we_did", "Their answer"),
        ("said", "My wording of what was said"),
    ),
    "recommendation": Case(
        "recommendation_edit",
        lambda plan, action: make_recommendation(plan),
        "recommendation",
        ("response_reasons", "Their reasons"),
        ("text", "My wording of the recommendation"),
    ),
    "standard": Case(
        "standard_edit",
        lambda plan, action: make_standard("T1"),
        "standard",
        ("note", "Their note"),
        ("title", "My title"),
        (("reason", "Typo"),),
    ),
    "unit": Case(
        "unit_edit",
        lambda plan, action: Unit.objects.create(organisation=plan.organisation, name="Housing"),
        "unit",
        ("short_name", "HSG"),
        ("name", "Housing and Homelessness"),
    ),
    "person": Case(
        "owner_edit",
        lambda plan, action: Owner.objects.create(
            organisation=plan.organisation, name="Jo Bloggs", short_name="JB"
        ),
        "person",
        ("job_title", "Head of Customer Services"),
        ("email", "jo.bloggs@example.org"),
    ),
    "plan settings": Case(
        "plan_settings",
        lambda plan, action: plan,
        "plan's settings",
        ("committee", "Cabinet"),
        ("title", "My title of the plan"),
        url_args=lambda plan: [plan.slug],
        editor="plan_admin",
    ),
    "evidence": Case(
        "cse_evidence_edit",
        lambda plan, action: record_evidence(plan, [_sub_criterion()]),
        "evidence item",
        ("note", "Their note"),
        ("title", "My title"),
    ),
}


def _form(page: str, url: str) -> dict:
    return main_form(page, url).data()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_save_over_someone_elses_change_is_refused_and_saving_again_keeps_both(
    client, request, plan, action, org_admin, case
):
    obj = case.make(plan, action)
    url = reverse(case.url_name, args=case.url_args(obj))
    editor = request.getfixturevalue(case.editor)
    client.force_login(editor)
    opened = _form(client.get(url).content.decode(), url)

    theirs = type(obj).objects.get(pk=obj.pk)
    setattr(theirs, *case.theirs)
    save_with_history(theirs, user=org_admin, reason="Edited", validate=False)

    field, value = case.mine
    answers = opened | {field: [value]} | {name: [text] for name, text in case.extra}
    refused = client.post(url, answers)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert f"Someone else saved this {case.noun} while you were editing it" in unescape(page)
    assert case.theirs[1] in page and value in page
    stored = type(obj).objects.get(pk=obj.pk)
    assert getattr(stored, case.theirs[0]) == case.theirs[1]
    assert getattr(stored, field) != value

    again = _form(page, url)
    assert again[case.theirs[0]] == [case.theirs[1]]  # the form now holds their change
    saved = client.post(url, again)
    assert saved.status_code == 302
    stored = type(obj).objects.get(pk=obj.pk)
    assert (getattr(stored, case.theirs[0]), getattr(stored, field)) == (case.theirs[1], value)
    edits = [
        (h.history_user, getattr(h, case.theirs[0]), getattr(h, field))
        for h in stored.history.filter(history_user__isnull=False).order_by("history_date")
    ]
    assert edits[-2:] == [
        (org_admin, case.theirs[1], getattr(obj, field)),
        (editor, case.theirs[1], value),
    ]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_edit_without_what_the_form_started_from_is_refused(client, request, plan, action, case):
    obj = case.make(plan, action)
    url = reverse(case.url_name, args=case.url_args(obj))
    client.force_login(request.getfixturevalue(case.editor))
    opened = _form(client.get(url).content.decode(), url)
    field, value = case.mine
    answers = opened | {field: [value], "loaded": ["forged"]}
    answers |= {name: [text] for name, text in case.extra}
    response = client.post(url, answers)
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert getattr(type(obj).objects.get(pk=obj.pk), field) != value


# Sets of linked rows ---------------------------------------------------------------------------


def _opened_by(user, url: str) -> tuple[Client, dict]:
    client = Client()
    client.force_login(user)
    return client, _form(client.get(url).content.decode(), url)


def _linked_by(history) -> set[tuple[str, int]]:
    """(username, linked row id) of each link someone added, from the links' history."""
    added = history.filter(history_type="+", history_user__isnull=False)
    return {(h.history_user.username, h.linked) for h in added}


def test_two_people_tick_different_sub_criteria_of_an_action_and_both_are_kept(
    action, steering_member, plan_admin
):
    cse_reference_load()
    first, second = SubCriterion.objects.order_by("pk")[:2]
    url = reverse("cse_action_criteria", args=[action.pk])
    admin, admin_form = _opened_by(plan_admin, url)
    member, member_form = _opened_by(steering_member, url)

    assert admin.post(url, admin_form | {"sub_criteria": [str(first.pk)]}).status_code == 302
    refused = member.post(url, member_form | {"sub_criteria": [str(second.pk)]})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this action&#x27;s CSE sub-criteria while you were editing" in page
    assert f"added {first}" in page and f"added {second}" in page  # theirs and mine, in words
    stored = set(action.cse_sub_criterion_links.values_list("sub_criterion_id", flat=True))
    assert stored == {first.pk}

    again = _form(page, url)
    assert sorted(again["sub_criteria"]) == sorted([str(first.pk), str(second.pk)])
    assert member.post(url, again).status_code == 302
    stored = set(action.cse_sub_criterion_links.values_list("sub_criterion_id", flat=True))
    assert stored == {first.pk, second.pk}
    history = ActionSubCriterion.history.filter(action_id=action.pk).annotate(
        linked=models.F("sub_criterion_id")
    )
    assert _linked_by(history) == {
        (plan_admin.username, first.pk),
        (steering_member.username, second.pk),
    }


def test_a_sub_criterion_someone_else_removed_stays_removed_when_saving_again(
    action, steering_member, plan_admin
):
    cse_reference_load()
    first, second = SubCriterion.objects.order_by("pk")[:2]
    ActionSubCriterion.objects.create(action=action, sub_criterion=first)
    url = reverse("cse_action_criteria", args=[action.pk])
    admin, admin_form = _opened_by(plan_admin, url)
    member, member_form = _opened_by(steering_member, url)

    assert admin.post(url, admin_form | {"sub_criteria": []}).status_code == 302
    answers = member_form | {"sub_criteria": [str(first.pk), str(second.pk)]}
    page = member.post(url, answers).content.decode()
    assert f"removed {first}" in page
    assert member.post(url, _form(page, url)).status_code == 302
    stored = set(action.cse_sub_criterion_links.values_list("sub_criterion_id", flat=True))
    assert stored == {second.pk}


def test_two_people_map_different_themes_to_criteria_and_both_mappings_are_kept(
    plan, theme, steering_member, plan_admin
):
    cse_reference_load()
    other = Theme.objects.create(plan=plan, reference="5", title="Housing", position=5)
    one, five = Criterion.objects.order_by("pk")[0], Criterion.objects.order_by("pk")[4]
    url = reverse("cse_mapping", args=[plan.slug])
    admin, admin_form = _opened_by(plan_admin, url)
    member, member_form = _opened_by(steering_member, url)

    mine = {f"theme_{other.pk}": [str(five.pk)]}
    assert admin.post(url, admin_form | {f"theme_{theme.pk}": [str(one.pk)]}).status_code == 302
    refused = member.post(url, member_form | mine)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this mapping while you were editing it" in page
    assert f"added {one}" in page and f"added {five}" in page
    assert not ThemeCriterion.objects.filter(theme=other).exists()

    again = _form(page, url)
    assert again[f"theme_{theme.pk}"] == [str(one.pk)]  # the form now holds their mapping
    assert member.post(url, again).status_code == 302
    mapped = set(ThemeCriterion.objects.values_list("theme_id", "criterion_id"))
    assert mapped == {(theme.pk, one.pk), (other.pk, five.pk)}
    history = ThemeCriterion.history.annotate(linked=models.F("criterion_id"))
    assert _linked_by(history) == {
        (plan_admin.username, one.pk),
        (steering_member.username, five.pk),
    }


# Forms that are not plain edits of one row -----------------------------------------------------


def test_two_people_change_the_public_page_at_once_and_both_changes_are_kept(
    plan, steering_member, plan_admin
):
    page = PublicPage.objects.create(plan=plan, introduction="Welcome")
    url = reverse("public_page_edit", args=[plan.slug])
    admin, admin_form = _opened_by(plan_admin, url)
    member, member_form = _opened_by(steering_member, url)

    published = admin_form | {"you_said_we_did_published": ["on"]}
    assert admin.post(url, published).status_code == 302
    mine = "What you told us in 2004, and what we did"
    refused = member.post(url, member_form | {"introduction": [mine]})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this page while you were editing it" in text
    assert "Yes" in text and mine in text
    page.refresh_from_db()
    assert (page.you_said_we_did_published, page.introduction) == (True, "Welcome")

    again = _form(text, url)
    assert again["you_said_we_did_published"] == ["on"]  # the form now holds their change
    assert member.post(url, again).status_code == 302
    page.refresh_from_db()
    assert (page.you_said_we_did_published, page.introduction) == (True, mine)
    edits = [
        (h.history_user.username, h.you_said_we_did_published, h.introduction)
        for h in page.history.filter(history_user__isnull=False).order_by("history_date")
    ]
    assert edits == [
        (plan_admin.username, True, "Welcome"),
        (steering_member.username, True, mine),
    ]


def test_a_revision_over_someone_elses_correction_is_refused_and_the_new_version_keeps_both(
    plan, steering_member, plan_admin
):
    standard = make_standard("T1", effective_from=date(2010, 4, 1))
    url = reverse("standard_revise", args=[standard.pk])
    member, member_form = _opened_by(plan_admin, url)

    theirs = Standard.objects.get(pk=standard.pk)
    theirs.note = "Their note"
    save_with_history(theirs, user=steering_member, reason="Typo", validate=False)

    answers = member_form | {
        "title": ["Answering the telephone promptly"],
        "revise_from": ["01/04/2012"],
        "reason": ["New contact centre"],
    }
    refused = member.post(url, answers)
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this standard while you were editing it" in text
    assert "Their note" in text and "Answering the telephone promptly" in text
    assert Standard.objects.filter(reference="T1").count() == 1

    again = _form(text, url)
    assert again["note"] == ["Their note"]
    saved = member.post(url, again)
    assert saved.status_code == 302
    new = Standard.objects.get(reference="T1", effective_from=date(2012, 4, 1))
    assert (new.title, new.note) == ("Answering the telephone promptly", "Their note")
    old = Standard.objects.get(pk=standard.pk)
    assert (old.title, old.note, old.effective_to) == (
        "Answering the telephone",
        "Their note",
        date(2012, 3, 31),
    )
    assert old.history.filter(history_user=steering_member, note="Their note").exists()
    assert new.history.filter(history_user=plan_admin).exists()


def test_a_link_someone_else_added_to_evidence_is_kept_when_its_title_is_saved_again(
    plan, action, steering_member, plan_admin
):
    evidence = record_evidence(plan, [_sub_criterion()])
    url = reverse("cse_evidence_edit", args=[evidence.pk])
    admin, admin_form = _opened_by(plan_admin, url)
    member, member_form = _opened_by(steering_member, url)

    assert admin.post(url, admin_form | {"actions": [str(action.pk)]}).status_code == 302
    refused = member.post(url, member_form | {"title": ["My title"]})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this evidence item while you were editing it" in page
    assert f"added {action}" in page and "My title" in page

    again = _form(page, url)
    assert again["actions"] == [str(action.pk)]  # the form now holds their link
    assert member.post(url, again).status_code == 302
    evidence.refresh_from_db()
    assert evidence.title == "My title"
    assert [link.action_id for link in evidence.action_links.all()] == [action.pk]
    assert evidence.history.filter(history_user=steering_member, title="My title").exists()
    linked = EvidenceAction.history.filter(evidence_id=evidence.pk, history_type="+")
    assert [h.history_user for h in linked] == [plan_admin]


def test_two_people_change_a_groups_members_at_once_and_both_changes_are_kept(
    plan, steering_member, org_admin
):
    council = plan.organisation
    group = Owner.objects.create(organisation=council, kind=OwnerKind.GROUP, name="PAG")
    ann, bob = (Owner.objects.create(organisation=council, name=n) for n in ("Ann", "Bob"))
    url = reverse("owner_edit", args=[group.pk])
    admin, admin_form = _opened_by(org_admin, url)
    member, member_form = _opened_by(steering_member, url)

    assert admin.post(url, admin_form | {"members": [str(ann.pk)]}).status_code == 302
    refused = member.post(url, member_form | {"members": [str(bob.pk)], "name": ["PAG (CSE)"]})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this group while you were editing it" in page
    assert "added Ann" in page and "added Bob" in page

    assert member.post(url, _form(page, url)).status_code == 302
    group.refresh_from_db()
    assert group.name == "PAG (CSE)"
    members = GroupMembership.objects.filter(group=group).values_list("person_id", flat=True)
    assert set(members) == {ann.pk, bob.pk}
    added = GroupMembership.history.filter(group_id=group.pk, history_type="+")
    assert {(h.history_user, h.person_id) for h in added} == {
        (org_admin, ann.pk),
        (steering_member, bob.pk),
    }


def test_two_administrators_change_single_sign_on_at_once_and_the_secret_never_reaches_the_page(
    organisation, org_admin
):
    provider = SignInProvider.objects.create(
        organisation=organisation,
        issuer="https://login.example.org",
        client_id="actionplan",
        client_secret="the-stored-secret",
        allowed_domains="testcouncil.gov.uk",
    )
    other_admin = make_user("ona.orgadmin", OrganisationRole.ORGANISATION_ADMINISTRATOR)
    url = reverse("sign_in_settings", args=[organisation.slug])
    first, first_form = _opened_by(org_admin, url)
    second, second_form = _opened_by(other_admin, url)
    carried = signing.loads(second_form["loaded"][0], salt="actionplan.conflicts.loaded")
    assert "client_secret" not in carried["base"]

    domains = {"allowed_domains": ["testcouncil.gov.uk, partner.org.uk"]}
    assert first.post(url, first_form | domains).status_code == 302
    refused = second.post(url, second_form | {"client_id": ["actionplan-live"]})
    page = unescape(refused.content.decode())
    assert refused.status_code == 200
    assert (
        "Someone else saved this organisation's single sign-on settings while you were editing"
        in page
    )
    assert "partner.org.uk" in page and "actionplan-live" in page
    assert "the-stored-secret" not in page

    assert second.post(url, _form(refused.content.decode(), url)).status_code == 302
    provider.refresh_from_db()
    assert (provider.client_id, provider.allowed_domains, provider.client_secret) == (
        "actionplan-live",
        "testcouncil.gov.uk, partner.org.uk",
        "the-stored-secret",
    )
    edits = [
        (h.history_user, h.client_id, h.allowed_domains)
        for h in provider.history.filter(history_user__isnull=False).order_by("history_date")
    ]
    assert edits == [
        (org_admin, "actionplan", "testcouncil.gov.uk, partner.org.uk"),
        (other_admin, "actionplan-live", "testcouncil.gov.uk, partner.org.uk"),
    ]
