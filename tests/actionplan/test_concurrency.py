"""Many people saving at once, on PostgreSQL: no lost update, no server error, full history.

Threads post through the real views (each its own test client and database connection), all
released together by a barrier. SQLite serialises every write, so these run on PostgreSQL
only (CI runs the suite there with DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Action, ProgressUpdate
from actionplan.organisations import OrganisationRole
from tests.conftest import make_action, make_user
from tests.security.htmlforms import main_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite runs one writer at a time",
    ),
]
THREADS, EACH = 8, 10


def _run_together(work: list[Callable[[], None]]) -> list[BaseException]:
    """Run each callable in its own thread, started at the same moment; collect failures."""
    barrier = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 (reported by the test, not swallowed)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return failures


@pytest.fixture
def members(db):
    return [make_user(f"member{n}", OrganisationRole.STEERING_GROUP) for n in range(THREADS)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_progress_recorded_at_once_on_the_same_and_other_actions_is_all_kept(
    project, action, members
):
    others = [make_action(project, description=f"Other {n}") for n in range(THREADS // 2)]
    # Half the people report on one shared action, the other half each on their own.
    targets = [action] * (THREADS // 2) + others
    versions_before = {a.pk: a.version for a in [action, *others]}
    today = timezone.localdate().strftime("%d/%m/%Y")
    statuses = ["on_track", "at_risk", "off_track", "on_track"]

    def reporter(n: int) -> Callable[[], None]:
        client, target = _client(members[n]), targets[n]

        def job() -> None:
            for i in range(EACH):
                response = client.post(
                    reverse("action_progress", args=[target.pk]),
                    {
                        "reported_on": today,
                        "narrative": f"update {n}-{i}",
                        "status": statuses[i % len(statuses)],
                        "rag": "",
                        "percent_complete": str(i * 10),
                    },
                )
                assert response.status_code == 302, (n, i, response.status_code)

        return job

    assert _run_together([reporter(n) for n in range(THREADS)]) == []

    updates = ProgressUpdate.objects.all()
    assert updates.count() == THREADS * EACH
    assert Counter(u.narrative for u in updates) == Counter(
        f"update {n}-{i}" for n in range(THREADS) for i in range(EACH)
    )
    per_action = Counter(u.action_id for u in updates)
    assert per_action[action.pk] == (THREADS // 2) * EACH
    assert all(per_action[o.pk] == EACH for o in others)
    # One history row per update, each with the person who recorded it.
    created = ProgressUpdate.history.filter(history_type="+")
    assert created.count() == THREADS * EACH
    assert all(
        h.history_user.username == f"member{h.narrative.split()[1].split('-')[0]}"
        for h in created.select_related("history_user")
    )
    # Every save of an action left its own history row: versions run on without a gap.
    for target in [action, *others]:
        target.refresh_from_db()
        saved = list(
            Action.history.filter(id=target.pk, version__gt=versions_before[target.pk])
            .order_by("version")
            .values_list("version", flat=True)
        )
        assert saved == list(range(versions_before[target.pk] + 1, target.version + 1))
        assert all(
            row.history_user_id is not None
            for row in Action.history.filter(id=target.pk, version__gt=versions_before[target.pk])
        )


def _edit_data(client: Client, action: Action, **changes) -> dict:
    """What the edit page's form sends as loaded now, with `changes` typed in."""
    url = reverse("action_edit", args=[action.pk])
    form = main_form(client.get(url).content.decode(), url)
    return {name: values for name, values in form.data().items()} | changes


def test_simultaneous_edits_of_one_action_keep_one_and_report_the_rest_as_conflicts(
    action, members
):
    loaded = _edit_data(_client(members[0]), action)  # everyone opened it at one version
    start_version = action.version
    results: list[tuple[int, int]] = []

    def editor(n: int) -> Callable[[], None]:
        client = _client(members[n])

        def job() -> None:
            response = client.post(
                reverse("action_edit", args=[action.pk]), loaded | {"description": f"By {n}"}
            )
            results.append((n, response.status_code))
            if response.status_code == 200:
                assert "Someone else saved this action" in response.content.decode()

        return job

    assert _run_together([editor(n) for n in range(THREADS)]) == []
    codes = Counter(code for _, code in results)
    assert codes == {302: 1, 200: THREADS - 1}
    winner = next(n for n, code in results if code == 302)
    action.refresh_from_db()
    assert action.description == f"By {winner}"
    assert action.version == start_version + 1
    edits = Action.history.filter(id=action.pk, version__gt=start_version)
    assert [(h.description, h.history_user.username) for h in edits] == [
        (f"By {winner}", f"member{winner}")
    ]


def test_editors_who_retry_after_a_conflict_all_get_their_change_recorded(action, members):
    start_version = action.version

    def editor(n: int) -> Callable[[], None]:
        client = _client(members[n])

        def job() -> None:
            for _ in range(THREADS * 3):
                data = _edit_data(client, action, notes=f"Note by {n}")
                response = client.post(reverse("action_edit", args=[action.pk]), data)
                if response.status_code == 302:
                    return
                assert response.status_code == 200
                assert "Someone else saved this action" in response.content.decode()
            raise AssertionError(f"editor {n} never got a save in")

        return job

    assert _run_together([editor(n) for n in range(THREADS)]) == []
    action.refresh_from_db()
    assert action.version == start_version + THREADS
    edits = Action.history.filter(id=action.pk, version__gt=start_version).order_by("version")
    assert sorted(h.history_user.username for h in edits) == sorted(
        f"member{n}" for n in range(THREADS)
    )
    assert {h.notes for h in edits} == {f"Note by {n}" for n in range(THREADS)}
