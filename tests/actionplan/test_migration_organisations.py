"""Data from before organisations moves into them whole: nothing lost, nothing shared.

The database is taken back to the last migration before organisations, filled as the first
release filled it (two councils named in plan text, an owner and a unit used by both, role
groups), and migrated forward again.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("actionplan", "0005_report_jobs"),
    ("standards", "0003_merge_0002_cse_0002_performance"),
    ("consultation", "0002_findings_scrutiny"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world(transactional_db):
    apps = _migrate(BEFORE)
    Plan = apps.get_model("actionplan", "Plan")
    Theme = apps.get_model("actionplan", "Theme")
    Action = apps.get_model("actionplan", "Action")
    Owner = apps.get_model("actionplan", "Owner")
    Unit = apps.get_model("actionplan", "Unit")
    ActionOwner = apps.get_model("actionplan", "ActionOwner")
    Standard = apps.get_model("standards", "Standard")
    Exercise = apps.get_model("consultation", "Exercise")
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    unit = Unit.objects.create(name="Customer Services")
    shared = Owner.objects.create(name="RF", short_name="RF", unit=unit)
    only_b = Owner.objects.create(name="Paul Williams", short_name="PW")
    actions = {}
    for slug, council in (("a-plan", "Anytown Council"), ("b-plan", "Otherton Council")):
        plan = Plan.objects.create(slug=slug, title=slug, organisation=council, status="adopted")
        theme = Theme.objects.create(plan=plan, reference="1", title="Access")
        actions[slug] = Action.objects.create(theme=theme, description="Do", unit=unit)
        ActionOwner.objects.create(action=actions[slug], owner=shared, is_lead=True)
    ActionOwner.objects.create(action=actions["b-plan"], owner=only_b)
    Standard.objects.create(
        reference="T1",
        title="Phones",
        channel="telephone",
        commitment="Answer",
        plan=Plan.objects.get(slug="b-plan"),
        effective_from=date(2020, 1, 1),
    )
    Exercise.objects.create(title="Survey", method="other", plan=Plan.objects.get(slug="a-plan"))
    chair = User.objects.create(username="chair")
    Group.objects.create(name="Steering group").user_set.add(chair)
    yield
    _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_old_data_moves_into_organisations_with_nothing_shared_between_them(old_world):
    apps = _migrate(_latest())
    Organisation = apps.get_model("actionplan", "Organisation")
    Plan = apps.get_model("actionplan", "Plan")
    Owner = apps.get_model("actionplan", "Owner")
    Unit = apps.get_model("actionplan", "Unit")
    ActionOwner = apps.get_model("actionplan", "ActionOwner")
    Action = apps.get_model("actionplan", "Action")
    Membership = apps.get_model("actionplan", "Membership")
    Standard = apps.get_model("standards", "Standard")
    Exercise = apps.get_model("consultation", "Exercise")
    Group = apps.get_model("auth", "Group")

    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "Anytown Council",
        "Otherton Council",
    ]
    a = Organisation.objects.get(name="Anytown Council")
    b = Organisation.objects.get(name="Otherton Council")
    assert Plan.objects.get(slug="a-plan").organisation_id == a.pk
    # The owner and unit both councils used are now one each, every link inside its own.
    assert Owner.objects.filter(name="RF").count() == 2
    assert Unit.objects.filter(name="Customer Services").count() == 2
    for link in ActionOwner.objects.select_related("owner", "action__theme__plan"):
        assert link.owner.organisation_id == link.action.theme.plan.organisation_id
    for action in Action.objects.select_related("unit", "theme__plan"):
        assert action.unit.organisation_id == action.theme.plan.organisation_id
    for owner in Owner.objects.filter(unit__isnull=False).select_related("unit"):
        assert owner.unit.organisation_id == owner.organisation_id
    assert Owner.objects.get(name="Paul Williams").organisation_id == b.pk
    assert Standard.objects.get(reference="T1").organisation_id == b.pk
    assert Exercise.objects.get(title="Survey").organisation_id == a.pk
    # The site-wide role became the same role in each council; the groups are gone.
    assert sorted(
        Membership.objects.filter(user__username="chair").values_list("organisation__name", "role")
    ) == [("Anytown Council", "steering_group"), ("Otherton Council", "steering_group")]
    assert not Group.objects.filter(name="Steering group").exists()
