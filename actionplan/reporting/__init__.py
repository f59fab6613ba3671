"""Committee reports: a plan as it stood at a moment, built once as plain data, then rendered.

build.py makes the Report (from snapshot.py's rows as at the moment, changes.py's comparison
of two moments and, before the plan was first recorded, as_reported.py's dated updates, plus
the sections the satellite apps register in actionplan.extensions); params.py reads the report
builder's query string into a report; pdf.py renders the print page and the PDF; jobs.py makes
large reports in the background worker. The workbook and CSV render the same Report
(actionplan/workbook.py, actionplan/csvexport.py).
"""

from actionplan.reporting.build import (
    DEFAULT_COMMITTEE,
    EXCEPTIONS_DESCRIBED,
    RAG_LABELS,
    STATUS_LABELS,
    ActionRow,
    Moment,
    ProjectSection,
    Report,
    ReportOptions,
    ThemeSection,
    build_report,
    committee_of,
    moment_from,
    since_moment_from,
)
from actionplan.reporting.changes import (
    ActionChange,
    Changes,
    OwnerChange,
    ProgressChange,
    TargetChange,
    ValueChange,
)

__all__ = [
    "DEFAULT_COMMITTEE",
    "EXCEPTIONS_DESCRIBED",
    "RAG_LABELS",
    "STATUS_LABELS",
    "ActionChange",
    "ActionRow",
    "Changes",
    "Moment",
    "OwnerChange",
    "ProgressChange",
    "ProjectSection",
    "Report",
    "ReportOptions",
    "TargetChange",
    "ThemeSection",
    "ValueChange",
    "build_report",
    "committee_of",
    "moment_from",
    "since_moment_from",
]
