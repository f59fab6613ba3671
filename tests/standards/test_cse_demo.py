"""The CSE demo data: drawn word for word from seed 003, labelled, and safe to load twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from actionplan.demo import plan_load_from_data
from actionplan.models import ProgressUpdate
from standards.cse.demo import cse_demo_load
from standards.cse.models import Assessment, Evidence, Rating, ThemeCriterion

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def cse_plan(db):
    data = json.loads((FIXTURES / "plan_cse_v4.json").read_text(encoding="utf-8"))
    return plan_load_from_data(data, user=None, reason="test")


def test_the_cse_plans_themes_are_mapped_to_the_criteria_of_the_same_number(cse_plan):
    assert cse_demo_load(user=None) == [cse_plan.slug]  # the 2004 plan is not loaded: skipped
    pairs = set(ThemeCriterion.objects.values_list("theme__reference", "criterion__reference"))
    assert pairs == {("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")}


def test_demo_evidence_quotes_its_actions_progress_word_for_word_and_names_the_source(cse_plan):
    cse_demo_load(user=None)
    evidence = list(Evidence.objects.prefetch_related("action_links"))
    assert len(evidence) == 9
    for item in evidence:
        (link,) = item.action_links.all()
        narratives = set(
            ProgressUpdate.objects.filter(action_id=link.action_id).values_list(
                "narrative", flat=True
            )
        )
        assert item.text in narratives, item.title
        assert item.note.startswith("Source: seed 003")


def test_demo_ratings_are_labelled_as_demo_figures(cse_plan):
    cse_demo_load(user=None)
    assessment = Assessment.objects.get()
    assert assessment.notes.startswith("Demo figures")
    assert all(r.note.startswith("Demo rating") for r in Rating.objects.all())
    assert not Rating.objects.filter(sub_criterion__reference="5.3").exists()  # a gap to show


def test_loading_the_demo_again_changes_nothing(cse_plan):
    cse_demo_load(user=None)
    counts = (Evidence.objects.count(), Rating.objects.count(), ThemeCriterion.objects.count())
    assert cse_demo_load(user=None) == []
    assert (
        Evidence.objects.count(),
        Rating.objects.count(),
        ThemeCriterion.objects.count(),
    ) == counts
