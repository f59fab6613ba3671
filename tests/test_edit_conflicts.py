"""Every edit form refuses to save over someone else's change, then keeps both people's changes.

One mechanism (actionplan.conflicts, forms.ConflictCheckedForm) on every edit page: actions,
themes and projects are tested beside their own views; here milestones, consultation exercises
and findings, scrutiny recommendations, service standards and CSE evidence, each as a person
would use it: open the form, someone else saves, save, read the refusal, save again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import reverse

from actionplan.models import Milestone
from actionplan.services import save_with_history
from standards.cse_models import SubCriterion
from standards.cse_reference import cse_reference_load
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
    client, plan, action, steering_member, plan_admin, case
):
    obj = case.make(plan, action)
    url = reverse(case.url_name, args=[obj.pk])
    client.force_login(steering_member)
    opened = _form(client.get(url).content.decode(), url)

    theirs = type(obj).objects.get(pk=obj.pk)
    setattr(theirs, *case.theirs)
    save_with_history(theirs, user=plan_admin, reason="Edited", validate=False)

    field, value = case.mine
    answers = opened | {field: [value]} | {name: [text] for name, text in case.extra}
    refused = client.post(url, answers)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert f"Someone else saved this {case.noun} while you were editing it" in page
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


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_edit_without_what_the_form_started_from_is_refused(
    client, plan, action, steering_member, case
):
    obj = case.make(plan, action)
    url = reverse(case.url_name, args=[obj.pk])
    client.force_login(steering_member)
    opened = _form(client.get(url).content.decode(), url)
    field, value = case.mine
    answers = opened | {field: [value], "loaded": ["forged"]}
    answers |= {name: [text] for name, text in case.extra}
    response = client.post(url, answers)
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert getattr(type(obj).objects.get(pk=obj.pk), field) != value
