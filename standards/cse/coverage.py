"""What the CSE pages show, built as plain data in a fixed number of queries.

`build_coverage(plan)` reads the criteria, the plan's latest assessment and its ratings, how
much evidence each sub-criterion has, which themes map to which criteria, which actions link
to sub-criteria directly, and the plan's actions: seven queries whatever the size of the plan.
The coverage page and "the plan by CSE criterion" both render it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Value
from django.db.models.fields import DateField, TextField
from django.db.models.functions import Cast

from actionplan.charts import StackedBarChart, stacked_bar_chart
from actionplan.models import Action, Plan, Status, Theme
from actionplan.summary import Count as Tally
from standards.cse.models import (
    ActionSubCriterion,
    Assessment,
    Compliance,
    Criterion,
    EvidenceAction,
    EvidenceSubCriterion,
    Rating,
    SubCriterion,
    ThemeCriterion,
)

NOT_RATED = "not_rated"
# Worst first, so a stacked bar reads from gaps to full compliance.
RATING_ORDER = [
    (NOT_RATED, "Not rated"),
    (Compliance.NONE.value, Compliance.NONE.label),
    (Compliance.SOME.value, Compliance.SOME.label),
    (Compliance.PARTIAL.value, Compliance.PARTIAL.label),
    (Compliance.FULL.value, Compliance.FULL.label),
]
# Each has at least 4.5:1 contrast against white (tests/standards check it), so counts in
# white on a segment are readable; colour never carries the meaning alone.
RATING_COLOURS = {
    NOT_RATED: "#505a5f",
    Compliance.NONE.value: "#d4351c",
    Compliance.SOME.value: "#b35900",
    Compliance.PARTIAL.value: "#1d70b8",
    Compliance.FULL.value: "#00703c",
}


@dataclass
class SubCriterionRow:
    sub: SubCriterion
    rating: Rating | None
    previous: Rating | None  # in the assessment before the latest, if any
    evidence_count: int
    direct_actions: list[Action]
    criterion_action_count: int  # actions of themes mapped to the sub-criterion's criterion

    @property
    def rating_key(self) -> str:
        return self.rating.compliance if self.rating else NOT_RATED

    @property
    def moved(self) -> bool:
        """The rating differs from the previous assessment's (a new rating counts as moved)."""
        before = self.previous.compliance if self.previous else None
        return self.rating is not None and before != self.rating.compliance

    @property
    def rating_label(self) -> str:
        return self.rating.get_compliance_display() if self.rating else "Not rated"

    @property
    def gaps(self) -> list[str]:
        """What keeps this sub-criterion from being covered, in words."""
        found = []
        if not self.evidence_count:
            found.append("No evidence recorded")
        if not self.direct_actions and not self.criterion_action_count:
            found.append("No plan action addresses it")
        if self.rating is None:
            found.append("Not rated in the latest assessment")
        elif self.rating.compliance != Compliance.FULL:
            found.append(f"Rated below full compliance ({self.rating_label.lower()})")
        return found


@dataclass
class CriterionRow:
    criterion: Criterion
    subs: list[SubCriterionRow] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    mapping_notes: list[str] = field(default_factory=list)  # why themes map here, if recorded
    actions: list[Action] = field(default_factory=list)  # through themes or direct links
    how: dict[int, str] = field(default_factory=dict)  # action id → how it answers

    @property
    def rating_counts(self) -> list[Tally]:
        total = len(self.subs)
        return [
            Tally(key, label, sum(1 for s in self.subs if s.rating_key == key), total)
            for key, label in RATING_ORDER
        ]

    @property
    def status_counts(self) -> list[Tally]:
        total = len(self.actions)
        counts = defaultdict(int)
        for action in self.actions:
            counts[action.status] += 1
        return [Tally(s.value, s.label, counts[s.value], total) for s in Status if counts[s.value]]

    @property
    def gap_count(self) -> int:
        return sum(1 for s in self.subs if s.gaps)

    @property
    def action_rows(self) -> list[tuple[Action, str]]:
        return [(action, self.how[action.pk]) for action in self.actions]


@dataclass
class Coverage:
    plan: Plan
    assessment: Assessment | None
    earlier_assessments: list[Assessment]
    criteria: list[CriterionRow]
    unmapped_actions: list[Action]

    @property
    def gap_count(self) -> int:
        return sum(row.gap_count for row in self.criteria)

    @property
    def sub_count(self) -> int:
        return sum(len(row.subs) for row in self.criteria)

    @property
    def all_subs(self) -> list[SubCriterionRow]:
        return [sub for row in self.criteria for sub in row.subs]

    @property
    def rating_totals(self) -> list[Tally]:
        total = self.sub_count
        return [
            Tally(key, label, sum(1 for s in self.all_subs if s.rating_key == key), total)
            for key, label in RATING_ORDER
        ]

    def chart(self) -> StackedBarChart:
        """Ratings per criterion as 100% stacked bars; the page puts the same figures in a table."""
        rows = [(str(row.criterion), row.rating_counts) for row in self.criteria]
        chart = stacked_bar_chart(
            chart_id="cse-ratings",
            title="Latest rating of each sub-criterion, by criterion",
            rows=rows,
            colours=RATING_COLOURS,
        )
        # The shared chart counts actions; here each bar counts sub-criteria.
        relabelled = [
            replace(stack, label=f"{row.criterion} ({len(row.subs)} sub-criteria)")
            for stack, row in zip(chart.rows, self.criteria, strict=True)
        ]
        desc = " ".join(
            f"{row.criterion}: "
            + ", ".join(f"{c.count} {c.label.lower()}" for c in row.rating_counts if c.count)
            + "."
            for row in self.criteria
        )
        return replace(chart, rows=relabelled, desc=desc)


def latest_assessment(plan: Plan) -> Assessment | None:
    return Assessment.objects.filter(plan=plan).order_by("-assessed_on", "-id").first()


def build_coverage(plan: Plan) -> Coverage:
    """Every criterion and sub-criterion with its rating, evidence and actions (7 queries).

    The plan's assessments are few (one or two a year), so all are read, newest first; the
    ratings of the latest two come in one query, to show what moved.
    """
    subs = list(SubCriterion.objects.select_related("criterion"))
    assessments = list(Assessment.objects.filter(plan=plan).order_by("-assessed_on", "-id"))
    assessment = assessments[0] if assessments else None
    ratings: dict[int, Rating] = {}
    earlier: dict[int, Rating] = {}
    for rating in Rating.objects.filter(assessment__in=assessments[:2]):
        mine = ratings if rating.assessment_id == assessment.pk else earlier
        mine[rating.sub_criterion_id] = rating
    evidence_counts = dict(
        EvidenceSubCriterion.objects.filter(evidence__plan=plan)
        .values("sub_criterion")
        .annotate(n=Count("evidence", distinct=True))
        .values_list("sub_criterion", "n")
    )
    theme_links = list(
        ThemeCriterion.objects.filter(theme__plan=plan)
        .select_related("theme")
        .order_by("theme__position", "theme_id")
    )
    direct = list(
        ActionSubCriterion.objects.filter(action__theme__plan=plan).values_list(
            "action_id", "sub_criterion_id"
        )
    )
    actions = list(Action.objects.filter(theme__plan=plan).select_related("theme", "project"))

    criteria_themes: dict[int, list[Theme]] = defaultdict(list)
    criteria_notes: dict[int, list[str]] = defaultdict(list)
    for link in theme_links:
        criteria_themes[link.criterion_id].append(link.theme)
        if link.note and link.note not in criteria_notes[link.criterion_id]:
            criteria_notes[link.criterion_id].append(link.note)
    direct_by_sub: dict[int, list[int]] = defaultdict(list)
    for action_id, sub_id in direct:
        direct_by_sub[sub_id].append(action_id)
    action_by_id = {action.pk: action for action in actions}

    rows: dict[int, CriterionRow] = {}
    for sub in subs:
        row = rows.get(sub.criterion_id)
        if row is None:
            row = rows[sub.criterion_id] = CriterionRow(
                criterion=sub.criterion,
                themes=criteria_themes[sub.criterion_id],
                mapping_notes=criteria_notes[sub.criterion_id],
            )
        row.subs.append(
            SubCriterionRow(
                sub=sub,
                rating=ratings.get(sub.pk),
                previous=earlier.get(sub.pk),
                evidence_count=evidence_counts.get(sub.pk, 0),
                direct_actions=[action_by_id[a] for a in direct_by_sub[sub.pk]],
                criterion_action_count=0,
            )
        )

    answered: set[int] = set()
    for row in rows.values():
        theme_ids = {theme.pk for theme in row.themes}
        refs: dict[int, list[str]] = defaultdict(list)
        for sub_row in row.subs:
            for action in sub_row.direct_actions:
                refs[action.pk].append(sub_row.sub.reference)
        for action in actions:
            by_theme = action.theme_id in theme_ids
            if by_theme or action.pk in refs:
                row.actions.append(action)
                parts = [f"theme {action.theme.reference}"] if by_theme else []
                parts += [f"sub-criterion {ref}" for ref in refs.get(action.pk, [])]
                row.how[action.pk] = "Through " + " and ".join(parts)
                answered.add(action.pk)
        in_themes = sum(1 for action in actions if action.theme_id in theme_ids)
        for sub_row in row.subs:
            sub_row.criterion_action_count = in_themes
    return Coverage(
        plan=plan,
        assessment=assessment,
        earlier_assessments=assessments[1:],
        criteria=list(rows.values()),
        unmapped_actions=[a for a in actions if a.pk not in answered],
    )


@dataclass(frozen=True)
class ActionCseLink:
    kind: str  # "criterion" (through the theme), "sub_criterion" (direct) or "evidence"
    reference: str
    title: str
    dated: object
    url: str


def action_cse_links(action: Action) -> list[ActionCseLink]:
    """Criteria an action answers (through its theme or directly) and its evidence: one query."""
    through_theme = ThemeCriterion.objects.filter(theme_id=action.theme_id).values_list(
        Cast(Value("criterion"), TextField()),
        "criterion__reference",
        "criterion__title",
        Cast(Value(None), DateField()),
        Cast(Value(""), TextField()),
        "criterion__position",
    )
    direct = ActionSubCriterion.objects.filter(action_id=action.pk).values_list(
        Cast(Value("sub_criterion"), TextField()),
        "sub_criterion__reference",
        "sub_criterion__title",
        Cast(Value(None), DateField()),
        Cast(Value(""), TextField()),
        "sub_criterion__position",
    )
    evidence = EvidenceAction.objects.filter(action_id=action.pk).values_list(
        Cast(Value("evidence"), TextField()),
        Cast(Value(""), TextField()),
        "evidence__title",
        "evidence__dated",
        "evidence__url",
        "evidence_id",
    )
    # Meta orderings are not allowed inside a UNION: each part drops its own, Python sorts.
    rows = through_theme.order_by().union(direct.order_by(), evidence.order_by(), all=True)
    links = [ActionCseLink(*row[:5]) for row in rows]
    order = {"criterion": 0, "sub_criterion": 1, "evidence": 2}
    return sorted(links, key=lambda link: (order[link.kind], link.reference, link.title))
