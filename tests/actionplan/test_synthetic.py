"""The synthetic plan used by the benchmark and query-count tests has the shape asked for."""

from actionplan.models import Action, ActionOwner, ProgressUpdate
from actionplan.synthetic import build_plan
from tests.conftest import home_council


def test_synthetic_plan_has_the_requested_shape_with_history(db):
    plan = build_plan(
        organisation=home_council(),
        slug="shape",
        themes=2,
        projects_per_theme=3,
        actions_per_project=4,
        updates_per_action=2,
        owners=5,
    )
    actions = Action.objects.for_plan(plan)
    assert actions.count() == 24
    assert ProgressUpdate.objects.filter(action__in=actions).count() == 48
    assert ActionOwner.objects.filter(action__in=actions, is_lead=True).count() == 24
    assert Action.history.filter(theme__plan=plan).count() == 24
    assert (
        actions.exclude(target_kind="unscheduled")
        .filter(target_latest__isnull=True)
        .exclude(target_kind__in=["ongoing", "from"])
        .count()
        == 0
    )
