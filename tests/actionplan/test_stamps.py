"""Change stamps: every write moves the stamp of the plan whose pages it changes.

Three checks make "nothing cached is ever stale" hold by construction:
- no module of the product writes an audited row except through the `*_with_history`
  helpers (a scan of the source), and the helpers move the stamp in the same transaction;
- every audited model of the demo data, saved or deleted through the helpers, moves the stamp
  of exactly the plan the row belongs to (found here by a query along its foreign keys,
  independently of the resolvers in actionplan/stamps.py), or every plan's for shared rows;
- a write that fails moves nothing.
"""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from actionplan import stamps
from actionplan.models import (
    Action,
    ChangeStamp,
    GroupMembership,
    Owner,
    OwnerKind,
    Plan,
    PublishedReport,
    ReportJob,
)
from actionplan.rounds import round_open
from actionplan.services import (
    action_record_progress,
    bulk_save_with_history,
    delete_with_history,
    save_with_history,
)
from consultation.models import Exercise
from standards.cse.models import Evidence, EvidenceExercise, EvidenceStandard
from standards.models import Standard
from tests.security.reference import reference_data_load

pytestmark = pytest.mark.django_db

# Where each audited model's plan is, as a lookup path; None: shown by every plan.
PLAN_PATHS: dict[str, str | None] = {
    "actionplan.Organisation": None,
    "actionplan.Unit": None,
    "actionplan.Owner": None,
    "actionplan.GroupMembership": None,
    "actionplan.Plan": "pk",
    "actionplan.Theme": "plan",
    "actionplan.Project": "theme__plan",
    "actionplan.Action": "theme__plan",
    "actionplan.ActionOwner": "action__theme__plan",
    "actionplan.TargetRevision": "action__theme__plan",
    "actionplan.Milestone": "action__theme__plan",
    "actionplan.ProgressUpdate": "action__theme__plan",
    "actionplan.UpdateRound": "plan",
    "actionplan.UpdateRequest": "round__plan",
    "actionplan.PublishedReport": "plan",
    "standards.Standard": "plan",  # null: a standard of no plan, shown by every plan
    "standards.PerformanceValue": "standard__plan",
    "standards.StandardAction": "action__theme__plan",
    "standards.Criterion": None,
    "standards.SubCriterion": None,
    "standards.Assessment": "plan",
    "standards.Rating": "assessment__plan",
    "standards.Evidence": "plan",
    "standards.EvidenceSubCriterion": "evidence__plan",
    "standards.EvidenceAction": "evidence__plan",
    "standards.EvidenceStandard": "evidence__plan",
    "standards.EvidenceExercise": "evidence__plan",
    "standards.ThemeCriterion": "theme__plan",
    "standards.ActionSubCriterion": "action__theme__plan",
    "consultation.Exercise": "plan",
    "consultation.Finding": "exercise__plan",
    "consultation.FindingTheme": "finding__exercise__plan",
    "consultation.FindingAction": "action__theme__plan",
    "consultation.PublicPage": "plan",
    "consultation.ScrutinyMeeting": "plan",
    "consultation.Recommendation": "meeting__plan",
    "consultation.RecommendationAction": "action__theme__plan",
}
# Audited rows no cached page shows: a user's own report jobs (their page is never cached).
# Grants are decided per request (access.py) and never cached; remembered import columns show
# on no cached page.
NOT_SHOWN = {
    "actionplan.ReportJob",
    "actionplan.Membership",
    "actionplan.PlanMembership",
    "actionplan.ImportColumnChoice",
}


def audited_models() -> list[type]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("actionplan", "standards", "consultation")
        and hasattr(model, "history")
        and not model.__name__.startswith("Historical")
    ]


def tokens() -> dict[str, int]:
    return dict(ChangeStamp.objects.values_list("scope", "token"))


def moved(before: dict[str, int]) -> set[str]:
    after = tokens()
    return {scope for scope, token in after.items() if before.get(scope) != token}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plans (every kind of row), loaded once for this module."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        _rows_the_demo_lacks()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        reference_data_load()  # what migrations load, for the tests that follow


def _rows_the_demo_lacks() -> None:
    """A group membership, an update round with its requests, a published report and CSE
    evidence linked to a standard and an exercise."""
    plan = Plan.objects.get(slug="scdc-cse-action-plan-v4")
    group = Owner.objects.filter(kind=OwnerKind.GROUP, organisation=plan.organisation).first()
    person = Owner.objects.filter(kind=OwnerKind.PERSON, organisation=group.organisation).exclude(
        group_memberships__group=group
    )[0]
    save_with_history(GroupMembership(group=group, person=person), user=None, reason="Test")
    round_open(
        plan=plan,
        title="Steering group",
        meeting_date=timezone.localdate() + timedelta(days=14),
        deadline=timezone.localdate() + timedelta(days=7),
        user=None,
        base_url="http://testserver",
    )
    report = PublishedReport(
        plan=plan,
        committee="Executive",
        meeting_date=date(2011, 1, 14),
        title="Progress",
        as_at=timezone.now(),
        pdf="reports/test.pdf",
        xlsx="reports/test.xlsx",
    )
    save_with_history(report, user=None, reason="Test", validate=False)
    evidence = Evidence.objects.filter(plan=plan).first()
    for link in (
        EvidenceStandard(evidence=evidence, standard=Standard.objects.first()),
        EvidenceExercise(evidence=evidence, exercise=Exercise.objects.first()),
    ):
        save_with_history(link, user=None, reason="Test", validate=False)


def test_every_audited_model_is_known_to_say_which_plan_it_belongs_to():
    labels = {model._meta.label for model in audited_models()}
    assert labels == set(PLAN_PATHS) | NOT_SHOWN


@pytest.mark.parametrize("label", sorted(PLAN_PATHS))
def test_saving_or_deleting_a_row_moves_the_stamp_of_its_plan_only(demo, label):
    model = apps.get_model(label)
    path = PLAN_PATHS[label]
    rows = list(model.objects.order_by("pk")[:3])
    assert rows, f"the demo has no {label}"
    for row in rows:
        plan_id = None
        if path is not None:
            plan_id = model.objects.filter(pk=row.pk).values_list(path, flat=True).get()
        expected = {"site"} if plan_id is None else {f"plan:{plan_id}"}
        with transaction.atomic():
            before = tokens()
            save_with_history(row, user=None, reason="Stamp test", validate=False)
            assert moved(before) == expected
            before = tokens()
            try:
                with transaction.atomic():
                    delete_with_history(row, user=None, reason="Stamp test")
            except Exception:  # a protected row cannot be deleted: nothing to check
                pass
            else:
                assert moved(before) == expected
            transaction.set_rollback(True)


def test_every_plan_of_the_demo_has_a_stamp_so_its_pages_are_cached(demo):
    for plan in Plan.objects.all():
        assert stamps.current(plan) is not None


def test_a_report_job_moves_no_stamp(demo):
    job = ReportJob(plan=Plan.objects.first(), kind="pdf")
    before = tokens()
    save_with_history(job, user=None, reason="Stamp test", validate=False)
    assert moved(before) == set()


def test_bulk_writes_move_the_stamps_of_their_plans(demo):
    plan = Plan.objects.get(slug="scdc-cse-action-plan-v4")
    actions = list(Action.objects.for_plan(plan)[:2])
    before = tokens()
    for action in actions:
        action.notes = f"{action.notes} (bulk)"
    bulk_save_with_history(actions, Action, user=None, reason="Stamp test", update_fields=["notes"])
    assert moved(before) == {f"plan:{plan.pk}"}


def test_a_refused_write_moves_no_stamp(demo):
    action = Action.objects.order_by("pk").first()
    before = tokens()
    with pytest.raises(ValidationError):
        action_record_progress(
            action=action, reported_on=action.created_at.date(), narrative="", user=None
        )
    assert moved(before) == set()


# The source: every write goes through the helpers -------------------------------------------

# Calls that write rows, whoever the receiver; allowed only in the helpers themselves, in
# migrations and in the synthetic benchmark data (bulk-created with history, no pages cached).
WRITES = {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create"}
WRITE_HELPERS = {"bulk_create_with_history", "bulk_update_with_history"}
ALLOWED = {
    # file.save(name, content, save=False): a file's bytes, the row is saved by a helper
    ("actionplan/reporting/jobs.py", "save"),
    ("actionplan/publishing.py", "save"),
    ("actionplan/workbook.py", "save"),  # an openpyxl workbook
    ("actionplan/importing/benchmark.py", "save"),  # an openpyxl workbook
    ("actionplan/importing/apply.py", "create"),  # the import writer's own method
    ("actionplan/publishing.py", "delete"),  # file.delete(save=False)
    ("actionplan/reporting/jobs.py", "delete"),  # file.delete(save=False)
    ("actionplan/services.py", "save"),  # save_with_history itself
    ("actionplan/services.py", "delete"),  # delete_with_history itself
    ("actionplan/services.py", "bulk_create_with_history"),
    ("actionplan/services.py", "bulk_update_with_history"),
    ("actionplan/models/base.py", "save"),  # super().save() in the models' own save()
    ("actionplan/models/actions.py", "save"),
    ("actionplan/stamps.py", "bulk_create"),  # the stamps: bookkeeping, not audited
    ("standards/views/register.py", "save"),  # form.save(commit=False), then a helper
    ("actionplan/admin.py", "save"),  # formset.save(commit=False), then the helpers
    ("actionplan/adminbase.py", "save"),  # formset.save(commit=False), then the helpers
    ("actionplan/synthetic.py", "create"),
    ("actionplan/synthetic.py", "get_or_create"),
    ("actionplan/synthetic.py", "bulk_create_with_history"),
    ("actionplan/management/commands/bench.py", "save"),
    ("actionplan/management/commands/bench.py", "get_or_create"),
    ("actionplan/management/commands/load_demo.py", "save"),  # a demo login's owner link
    # the import's new rows, in bulk with history; it moves the plan's stamp itself
    ("actionplan/importing/create.py", "bulk_create_with_history"),
    ("actionplan/importing/owners.py", "save"),  # the save_with_history handed to it
    ("actionplan/importing/benchmark_council.py", "create"),  # bench data, rolled back
    ("actionplan/importing/benchmark_council.py", "save"),
    # files in the storage (uploads, the health check's probe) and login-throttling records:
    # not plan rows
    ("actionplan/importing/storage.py", "save"),
    ("actionplan/importing/storage.py", "delete"),
    ("actionplan/health.py", "save"),
    ("actionplan/health.py", "delete"),
    ("actionplan/throttling.py", "delete"),
}


def _write_calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in WRITES | WRITE_HELPERS:
                # set.update(), dict.update(): not writes. A queryset's update() is.
                if name == "update" and not _looks_like_queryset(node):
                    continue
                found.add(name)
    return found


def _looks_like_queryset(node: ast.Call) -> bool:
    source = ast.unparse(node.func)
    return "objects" in source or "filter(" in source or "history" in source


def test_no_module_writes_audited_rows_around_the_history_helpers():
    base = Path(settings.BASE_DIR)
    offending = []
    for app in ("actionplan", "standards", "consultation", "accounts"):
        for path in sorted((base / app).rglob("*.py")):
            relative = path.relative_to(base).as_posix()
            if "/migrations/" in relative:
                continue
            for name in _write_calls(path):
                if (relative, name) not in ALLOWED:
                    offending.append(f"{relative}: {name}()")
    assert offending == []
