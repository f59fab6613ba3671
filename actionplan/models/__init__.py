"""The action plan: plans, themes, projects, actions, owners, milestones and progress.

What is stored and what is derived:
- stored: an action's status (what the owner last reported) and RAG (the judgement of risk);
- stored: the target as written, with its earliest/latest day parsed from it, so the database
  can sort, filter and judge overdue; the original target and the number of re-plans;
- derived: "revised completion date" (replan_count > 0), "overdue" (target passed, not finished)
  and "awaiting update" (no update since the current round, or for N days). See querysets.py.

The models live by domain in this package; every name is importable from `actionplan.models`.
"""

from actionplan.models.actions import (
    ACTION_CONTENT_FIELDS,
    Action,
    ActionOwner,
    Milestone,
    ProgressUpdate,
    TargetRevision,
)
from actionplan.models.base import (
    IndexedHistoricalRecords,
    Versioned,
    percentage_validators,
)
from actionplan.models.choices import (
    FINISHED_STATUSES,
    OwnerKind,
    PlanStatus,
    Rag,
    Status,
    ThemeKind,
    UnitKind,
)
from actionplan.models.people import (
    GroupMembership,
    Owner,
    Unit,
)
from actionplan.models.plans import (
    Plan,
    Project,
    Theme,
)
from actionplan.models.records import (
    AppliedImport,
    ChangeStamp,
    ImportColumnChoice,
)
from actionplan.models.reports import (
    REPORT_JOB_RUN_LIMIT,
    REPORT_JOB_WAIT_LIMIT,
    PublishedReport,
    PublishedReportQuerySet,
    ReportJob,
    ReportJobKind,
    ReportJobQuerySet,
    ReportJobState,
)
from actionplan.models.rounds import (
    UpdateRequest,
    UpdateRound,
)
from actionplan.organisations import Membership, Organisation, PlanMembership

__all__ = [
    "Membership",
    "Organisation",
    "PlanMembership",
    "PlanStatus",
    "ThemeKind",
    "Status",
    "FINISHED_STATUSES",
    "Rag",
    "UnitKind",
    "OwnerKind",
    "IndexedHistoricalRecords",
    "Versioned",
    "percentage_validators",
    "Unit",
    "Owner",
    "GroupMembership",
    "Plan",
    "Theme",
    "Project",
    "Action",
    "ACTION_CONTENT_FIELDS",
    "ActionOwner",
    "TargetRevision",
    "Milestone",
    "ProgressUpdate",
    "UpdateRound",
    "UpdateRequest",
    "PublishedReportQuerySet",
    "PublishedReport",
    "ReportJobKind",
    "ReportJobState",
    "REPORT_JOB_WAIT_LIMIT",
    "REPORT_JOB_RUN_LIMIT",
    "ReportJobQuerySet",
    "ReportJob",
    "ImportColumnChoice",
    "ChangeStamp",
    "AppliedImport",
]
