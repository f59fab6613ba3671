"""No plan pays for another: a small plan's pages read only its own rows, through indexes that
start with the plan, when a much larger plan with newer changes shares the database.

The query plans are PostgreSQL's (what production runs); on SQLite these tests are skipped.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.dashboard import recent_changes
from actionplan.models import Owner
from actionplan.synthetic import build_plan
from tests.actionplan.test_views_browse import PAGE_QUERIES
from tests.actionplan.test_views_dashboard import DASHBOARD_QUERIES
from tests.actionplan.test_views_my_actions import MY_ACTIONS_QUERIES
from tests.conftest import home_council

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]
# The tables whose rows grow with every plan: a scan of the whole table would read them all.
SHARED_TABLES = (
    "actionplan_action",
    "actionplan_actionowner",
    "actionplan_progressupdate",
    "actionplan_historicalaction",
)


@pytest.fixture
def small_beside_large(db):
    """An 18-action plan, then a 1,200-action plan with 12,000 newer progress updates."""
    small = build_plan(
        organisation=home_council(),
        slug="small",
        themes=3,
        projects_per_theme=2,
        actions_per_project=3,
    )
    build_plan(
        organisation=home_council(),
        slug="large",
        themes=4,
        projects_per_theme=10,
        actions_per_project=30,
        updates_per_action=10,
        owners=200,
        seed=2,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return small


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def shared_table_scans(queries: list[dict]) -> list[str]:
    """Each query's plan lines that read a shared table without an index."""
    found = []
    for query in queries:
        if not query["sql"].startswith("SELECT"):
            continue
        for line in explain(query["sql"]).splitlines():
            if "Seq Scan" in line and any(table in line for table in SHARED_TABLES):
                found.append(f"{line.strip()}  ← {query['sql'][:120]}")
    return found


def test_recent_changes_read_the_plans_own_rows_through_its_indexes(small_beside_large):
    with CaptureQueriesContext(connection) as queries:
        recent_changes(small_beside_large)
    plans = [explain(query["sql"]) for query in queries.captured_queries]
    # The plan's newest action history, their previous versions, its newest progress updates:
    # each through an index on the plan (the composite one or the plan's own, as the planner
    # prefers for a plan this small).
    on_plan = re.compile(
        r"Index Scan.* using \S*plan\S* on actionplan_(historicalaction|progressupdate)"
    )
    assert all(on_plan.search(plan) for plan in plans), "\n\n".join(plans)
    assert shared_table_scans(queries.captured_queries) == []


def test_the_dashboard_reads_no_shared_table_whole(client, small_beside_large, steering_member):
    client.force_login(steering_member)
    client.get(reverse("plan_dashboard", args=[small_beside_large.slug]))  # the session
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plan_dashboard", args=[small_beside_large.slug]))
    assert "Of 18 actions" in response.content.decode()
    assert len(queries) == DASHBOARD_QUERIES
    assert shared_table_scans(queries.captured_queries) == []


def test_the_plan_browser_reads_no_shared_table_whole(client, small_beside_large, viewer):
    client.force_login(viewer)
    url = reverse("plan_browse", args=[small_beside_large.slug]) + "?status=on_track&sort=target"
    client.get(url)  # the session
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) == PAGE_QUERIES
    assert shared_table_scans(queries.captured_queries) == []
    html = response.content.decode()
    assert "small officer" in html and "large officer" not in html  # the owner choices
    # The owners the plan uses: a range of the links' index on (plan, owner), no action read.
    (choices,) = [
        q["sql"] for q in queries.captured_queries if 'FROM "actionplan_owner"' in q["sql"]
    ]
    plan = explain(choices)
    assert re.search(r"Index (Only )?Scan using action_owner_plan_owner on", plan), plan


def test_my_actions_starts_from_the_owners_own_links(client, small_beside_large, action_owner):
    officer = Owner.objects.get(name="small officer 0")  # also in the small plan's group
    officer.user = action_owner
    officer.save()
    client.force_login(action_owner)
    client.get(reverse("my_actions"))  # the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("my_actions"))
    assert sum(len(entry.actions) for entry in response.context["plans"]) > 0
    assert len(queries) == MY_ACTIONS_QUERIES
    assert shared_table_scans(queries.captured_queries) == []
    # The owner's links are found through the index on the owner and their actions by primary
    # key, not by testing every action of every plan the login may see.
    actions = next(
        q["sql"] for q in queries.captured_queries if "actionplan_actionowner" in q["sql"]
    )
    plan = explain(actions)
    assert re.search(r"Index Scan using actionplan_actionowner_owner_id\S* on", plan), plan
    # (An index scan, or a bitmap scan of the same index when the planner expects several.)
    assert re.search(
        r"Index Scan using actionplan_action_pkey on actionplan_action |"
        r"Bitmap Index Scan on actionplan_action_pkey",
        plan,
    ), plan
