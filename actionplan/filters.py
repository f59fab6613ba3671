"""Filtering and sorting a plan's actions: one queryset for the browser page and its CSV.

Every filter lives in the query string under a fixed name, so a filtered view can be
bookmarked, shared and linked to from the dashboard:

    theme, owner, unit        ids
    status                    one or more Status values
    rag                       one or more of red, amber, green, none (not assessed; "" also works)
    overdue, slipped, awaiting, unscheduled   1 (a ticked checkbox sends "on", also accepted)
    due_from, due_to          dates, dd/mm/yyyy or yyyy-mm-dd; the target's latest day in range
    q                         free text
    sort                      plan (default), reference, target, status, rag, latest_update,
                              last_changed; "-" in front reverses
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from actionplan import awaiting
from actionplan.models import Action, ActionOwner, Owner, Plan, Rag, Status, Unit
from actionplan.querysets import ActionQuerySet

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
NOT_ASSESSED = "none"  # Rag.NOT_ASSESSED is "", which a query string cannot show clearly
RAG_CHOICES = [(value or NOT_ASSESSED, label) for value, label in Rag.choices]
DEFAULT_SORT = "plan"
SORT_CHOICES = [
    ("plan", "Plan order"),
    ("reference", "Reference (first to last)"),
    ("-reference", "Reference (last to first)"),
    ("target", "Target date (soonest first)"),
    ("-target", "Target date (latest first)"),
    ("status", "Status (not started to deleted)"),
    ("-status", "Status (deleted to not started)"),
    ("rag", "RAG (red first)"),
    ("-rag", "RAG (green first)"),
    ("latest_update", "Latest update (oldest first)"),
    ("-latest_update", "Latest update (newest first)"),
    ("last_changed", "Last changed (oldest first)"),
    ("-last_changed", "Last changed (newest first)"),
]
SORT_LABELS = dict(SORT_CHOICES)


def browse_base_queryset(plan: Plan) -> ActionQuerySet:
    """The plan's actions with everything a row of the browser or the CSV shows, joined."""
    owners = ActionOwner.objects.select_related("owner").order_by("-is_lead", "position", "id")
    return (
        Action.objects.for_plan(plan)
        .select_related("theme__plan", "project", "unit")
        .prefetch_related(Prefetch("action_owners", queryset=owners, to_attr="ordered_owners"))
        .with_latest_update()
    )


class QuickSelect(forms.Select):
    """A select written out in Python: the same markup as Django's, without two template
    renders per option, which made a plan's few hundred owners most of the browser's time.
    It reads the choices directly rather than through optgroups(), which builds a dictionary
    of attributes for every option (no groups and no option attributes here)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        chosen = self.format_value(value)
        # Django's select marks only the first option with the chosen value.
        selected = chosen[0] if chosen else None
        # The standard library's escape per value and label (the same text as Django's escape,
        # without its lazy-string wrapper): format_html per option cost several times as much.
        options = "\n".join(
            f'<option value="{html.escape(str(option_value))}"'
            f"{' selected' if str(option_value) == selected else ''}>"
            f"{html.escape(str(label))}</option>"
            for option_value, label in self.choices
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', name, flatatt(final_attrs), mark_safe(options)
        )


class OwnerChoices(django_filters.fields.ModelChoiceIterator):
    """The owner choices as plain values: a plan uses hundreds of owners, and building a model
    instance for each was most of the owner select's time. Labels are Owner.__str__'s."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, short_name in self.queryset.values_list("pk", "name", "short_name"):
            yield (pk, Owner.label_for(name, short_name))


class OwnerChoiceField(django_filters.fields.ModelChoiceField):
    iterator = OwnerChoices


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class FlagWidget(forms.CheckboxInput):
    """A checkbox that reads "1", "on", "true" or "yes" as ticked, and anything else as not."""

    def value_from_datadict(self, data: Mapping, files: Mapping, name: str) -> bool:
        return str(data.get(name, "")).strip().lower() in {"1", "on", "true", "yes"}


class RagChoiceField(django_filters.fields.MultipleChoiceField):
    """RAG choices, reading an empty value as "not assessed" (the model's own value for it)."""

    def to_python(self, value: Any) -> list[str]:
        return [v or NOT_ASSESSED for v in super().to_python(value)]


class RagFilter(django_filters.MultipleChoiceFilter):
    field_class = RagChoiceField


class ActionFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        due_from, due_to = cleaned.get("due_from"), cleaned.get("due_to")
        if due_from and due_to and due_to < due_from:
            self.add_error("due_to", "The 'due by' date must be the same as or after 'due from'.")
        return cleaned


def _date_filter(label: str, lookup: str, example: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="target_latest",
        lookup_expr=lookup,
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        help_text=f"For example, {example}",
        error_messages={
            "invalid": f"Enter the '{label.lower()}' date as day/month/year, for example {example}"
        },
        widget=forms.DateInput(),
    )


def _flag(label: str, method: str, help_text: str = "") -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        label=label, method=method, widget=FlagWidget, help_text=help_text
    )


class ActionFilter(django_filters.FilterSet):
    """The browser's filters; `results` is the filtered, sorted queryset (empty if invalid)."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        max_length=200,
        help_text="Words in the reference, description, owners, notes or latest update.",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        queryset=None,  # the plan's themes, set in __init__
        empty_label="All themes",
        widget=QuickSelect,
        error_messages={"invalid_choice": "Choose a theme of this plan from the list."},
    )
    owner = OwnerFilter(
        label="Owner",
        queryset=None,  # the owners of the plan's actions, set in __init__
        method="filter_owner",
        empty_label="Any owner",
        widget=QuickSelect,
        help_text="A person's actions include those of the groups they belong to.",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    unit = django_filters.ModelChoiceFilter(
        label="Directorate or service",
        queryset=None,  # the plan's actions' units, set in __init__
        empty_label="Any directorate or service",
        widget=QuickSelect,
        error_messages={"invalid_choice": "Choose a directorate or service from the list."},
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        error_messages={"invalid_choice": "Choose statuses from the list: %(value)s is not one."},
    )
    rag = RagFilter(
        label="RAG",
        choices=RAG_CHOICES,
        method="filter_rag",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        error_messages={
            "invalid_choice": "Choose RAG ratings from the list: %(value)s is not one."
        },
    )
    due_from = _date_filter("Due from", "gte", "1/4/2012")
    due_to = _date_filter("Due by", "lte", "31/3/2013")
    overdue = _flag("Overdue", "filter_overdue", "Open, and the target date has passed.")
    slipped = _flag("Target date revised", "filter_slipped", "The target has moved at least once.")
    awaiting = _flag("Awaiting an update", "filter_awaiting")  # help text set in __init__
    unscheduled = _flag("Not yet scheduled", "filter_unscheduled", 'Open, with a target of "TBC".')
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        method="order_later",
        error_messages={"invalid_choice": "Choose how to sort the actions from the list."},
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    def __init__(
        self,
        data: Mapping | None,
        *,
        plan: Plan,
        today: date,
        awaiting_since: date | None = None,
    ) -> None:
        super().__init__(data if data is not None else {}, queryset=browse_base_queryset(plan))
        self.plan = plan
        self.today = today
        self.awaiting_since = awaiting_since or awaiting.awaiting_since(plan, today)
        self.filters["theme"].queryset = plan.themes.order_by("position", "id")
        self.filters["owner"].queryset = Owner.objects.choosable_for(plan)
        # The organisation's units some action of the plan names: a probe of the index on
        # (unit, plan) per unit, not a pass over the plan's actions.
        self.filters["unit"].queryset = Unit.objects.filter(
            Exists(Action.objects.filter(unit=OuterRef("pk"), plan=plan)),
            organisation_id=plan.organisation_id,
        )
        self.filters["awaiting"].extra["help_text"] = (
            f"Open, with no progress update since {date_format(self.awaiting_since, 'j F Y')}."
        )

    @property
    def results(self) -> ActionQuerySet:
        """The filtered, sorted actions; none at all when a filter value is invalid."""
        if not self.is_valid():
            return self.queryset.none()
        return self.qs

    @property
    def chosen_sort(self) -> str:
        if not self.is_valid():
            return DEFAULT_SORT
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*ordering(self.form.cleaned_data.get("sort") or DEFAULT_SORT))

    def order_later(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Sorting is not a filter: filter_queryset applies it after every filter, default too.
        return queryset

    def filter_text(self, queryset: ActionQuerySet, name: str, value: str) -> ActionQuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(description__icontains=word)
                | Q(owners_as_written__icontains=word)
                | Q(notes__icontains=word)
                | Q(latest_update_text__icontains=word)
            )
        return queryset

    def filter_owner(self, queryset: ActionQuerySet, name: str, owner: Owner) -> ActionQuerySet:
        return queryset.owned_by(owner)

    def filter_rag(self, queryset: ActionQuerySet, name: str, values: list[str]) -> ActionQuerySet:
        stored = {"" if v == NOT_ASSESSED else v for v in values}
        return queryset.filter(rag__in=stored)

    def filter_overdue(self, queryset: ActionQuerySet, name: str, on: bool) -> ActionQuerySet:
        return queryset.overdue(self.today) if on else queryset

    def filter_slipped(self, queryset: ActionQuerySet, name: str, on: bool) -> ActionQuerySet:
        return queryset.revised() if on else queryset

    def filter_awaiting(self, queryset: ActionQuerySet, name: str, on: bool) -> ActionQuerySet:
        if not on:
            return queryset
        return queryset.awaiting_update(since=self.awaiting_since)

    def filter_unscheduled(self, queryset: ActionQuerySet, name: str, on: bool) -> ActionQuerySet:
        return queryset.unscheduled() if on else queryset


PLAN_ORDER = (
    F("theme__position").asc(),
    F("theme_id").asc(),
    F("project__position").asc(nulls_first=True),
    F("project_id").asc(nulls_first=True),
    F("position").asc(),
    F("id").asc(),
)
STATUS_RANK = Case(
    *[When(status=value, then=Value(rank)) for rank, value in enumerate(Status.values)],
    default=Value(len(Status.values)),
    output_field=IntegerField(),
)
RAG_RANK = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.AMBER, then=Value(1)),
    When(rag=Rag.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
NOT_ASSESSED_LAST = Case(When(rag=Rag.NOT_ASSESSED, then=Value(1)), default=Value(0)).asc()


def ordering(sort: str) -> list[OrderBy]:
    """ORDER BY terms for a sort value; plan order breaks ties, so pages never overlap."""
    descending = sort.startswith("-")

    def by(expression: Any, *, empty_last: bool = False) -> OrderBy:
        # Empty values count as the smallest, unless they always belong at the end.
        if descending:
            return expression.desc(nulls_last=True)
        return expression.asc(nulls_last=True) if empty_last else expression.asc(nulls_first=True)

    keys = {
        "plan": [],
        "reference": [
            by(Length(field)) if step == "length" else by(F(field))
            for field in ("theme__reference", "project__reference", "reference")
            for step in ("length", "text")
        ],
        "target": [
            by(F("target_latest"), empty_last=True),
            by(F("target_earliest"), empty_last=True),
        ],
        "status": [by(STATUS_RANK)],
        "rag": [NOT_ASSESSED_LAST, by(RAG_RANK)],
        "latest_update": [by(F("latest_update_on"))],
        "last_changed": [by(F("updated_at"))],
    }[sort.lstrip("-")]
    return [*keys, *PLAN_ORDER]


def browse_filterset(
    plan: Plan, params: Mapping | None, *, today: date, awaiting_since: date | None = None
) -> ActionFilter:
    """The browser's filters bound to a query string; the page and the CSV both start here."""
    return ActionFilter(params, plan=plan, today=today, awaiting_since=awaiting_since)


def browse_queryset(
    plan: Plan, params: Mapping | None, *, today: date, awaiting_since: date | None = None
) -> ActionQuerySet:
    """The actions a query string selects, sorted; empty when the query string is invalid.

    `awaiting_since` replaces the plan's awaiting-update date (an update round passes its start).
    """
    return browse_filterset(plan, params, today=today, awaiting_since=awaiting_since).results
