"""The report builder's query string read into a report and its options.

The builder page, the print page, the PDF, workbook and CSV downloads, publishing and the
export_plan command all read the same parameters here, so a link or a cron line gives the
report the page previewed:

    as_at, since     dd/mm/yyyy or yyyy-mm-dd, or with a time ("02/12/2026 12:25", or an
                     ISO datetime: exact). A date alone is the end of that day for as_at and
                     the start of it for since. since=none gives no changes; since left out
                     (or blank) is the last published report's moment before as_at, if any
    theme, owner     ids, each may repeat
    unit             a directorate or service id
    exceptions=1     only red, amber, slipped, overdue or awaiting update
    full=1           add the appendix with the full plan
    committee, meeting_date, title, author   what the paper says about itself
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from actionplan.filters import DATE_INPUT_FORMATS, FlagWidget
from actionplan.formfields import OUT_OF_RANGE_DAY, IdsField, day_in_range
from actionplan.models import Owner, Plan, PublishedReport, Unit
from actionplan.reporting.build import (
    DEFAULT_COMMITTEE,
    Moment,
    Report,
    ReportOptions,
    build_report,
    moment_from,
    since_moment_from,
)
from actionplan.reporting.pdf import moment_label

NO_SINCE = "none"


MOMENT_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y, %H:%M",
    "%Y-%m-%d %H:%M",
]


def parse_moment(text: str) -> Moment | None:
    """A date as officers write it (dd/mm/yyyy) or ISO, or either with a time ("02/12/2026
    12:25", an ISO datetime); None if neither."""
    text = " ".join(text.split())
    for pattern in MOMENT_INPUT_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def last_published_moment(plan: Plan, *, before: datetime) -> datetime | None:
    """The moment of the plan's latest published report before `before`: the default since."""
    published = PublishedReport.objects.filter(plan=plan, as_at__lt=before).order_by("-as_at")
    return published.values_list("as_at", flat=True).first()


class MomentField(forms.Field):
    """A date or datetime; returns a date, an aware datetime, or None when left blank."""

    def __init__(self, *, allow_none_word: bool = False, **kwargs: Any) -> None:
        self.allow_none_word = allow_none_word
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-10"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Moment | str | None:
        text = str(value or "").strip()
        if not text:
            return None
        if self.allow_none_word and text.lower() == NO_SINCE:
            return NO_SINCE
        moment = parse_moment(text)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not day_in_range(moment):
            # Year 1 or 9999 (with an offset of a day either way) leaves the calendar.
            raise forms.ValidationError(OUT_OF_RANGE_DAY, code="out_of_range")
        if isinstance(moment, datetime) and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment


class ChoiceSelect(forms.Select):
    """A single drop-down that still reads a repeated parameter (owner=1&owner=2) from a link."""

    def value_from_datadict(self, data: Mapping, files: Mapping, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [v for v in values if v not in (None, "")]


class ReportParamsForm(forms.Form):
    """The builder's form; valid only when every parameter reads as a report and its options."""

    as_at = MomentField(
        label="As at",
        help_text="The plan as it stood at the end of this day, or at a time on it. For example "
        "31/03/2011, or 31/03/2011 12:25. Leave blank for now.",
        error_messages={
            "invalid": "Enter the 'as at' date as day/month/year, like 31/03/2011, or with a "
            "time, like 31/03/2011 12:25"
        },
    )
    since = MomentField(
        label="Changes since",
        allow_none_word=True,
        error_messages={
            "invalid": "Enter the 'since' date as day/month/year, like 14/01/2011, or with a "
            "time, like 14/01/2011 09:00, or write 'none' for no list of changes"
        },
    )  # help text set in __init__: it names the last published report
    theme = IdsField(
        label="Themes",
        queryset=None,  # the plan's themes
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every theme.",
        error_messages={
            "invalid_choice": "Choose themes of this plan from the list.",
            "invalid_pk_value": "Choose themes of this plan from the list.",
        },
    )
    owner = IdsField(
        label="Owner",
        queryset=None,  # the plan's organisation's owners
        required=False,
        widget=ChoiceSelect,
        help_text="A person's actions include those of the groups they belonged to.",
        error_messages={
            "invalid_choice": "Choose an owner from the list.",
            "invalid_pk_value": "Choose an owner from the list.",
        },
    )
    unit = forms.ModelChoiceField(
        label="Directorate or service",
        queryset=None,  # the plan's organisation's units
        required=False,
        empty_label="Any directorate or service",
        error_messages={"invalid_choice": "Choose a directorate or service from the list."},
    )
    exceptions = forms.BooleanField(
        label="Exceptions only",
        required=False,
        widget=FlagWidget,
        help_text="Only actions that are red, amber, slipped, overdue or awaiting an update.",
    )
    full = forms.BooleanField(
        label="Include the full plan",
        required=False,
        widget=FlagWidget,
        help_text="An appendix listing every action.",
    )
    committee = forms.CharField(
        label="Committee",
        max_length=200,
        required=False,
        help_text=f"Leave blank for “{DEFAULT_COMMITTEE}”.",  # the plan's, set in __init__
    )
    meeting_date = forms.DateField(
        label="Meeting date",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(),
        help_text="For example 14/01/2011. Needed to publish the report.",
        error_messages={"invalid": "Enter the meeting date as day/month/year, like 14/01/2011"},
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        required=False,
        help_text="Leave blank for “<plan title>: progress report”.",
    )
    author = forms.CharField(label="Author", max_length=200, required=False)

    field_order = [
        "as_at",
        "since",
        "theme",
        "owner",
        "unit",
        "exceptions",
        "full",
        "committee",
        "meeting_date",
        "title",
        "author",
    ]

    def __init__(
        self, data: Mapping | None, *, plan: Plan, today: date, publishing: bool = False
    ) -> None:
        super().__init__(_as_query_dict(data) if data is not None else None)
        self.plan = plan
        self.today = today
        self.fields["theme"].queryset = plan.themes.order_by("position", "id")
        organisation_id = plan.organisation_id
        self.fields["owner"].queryset = Owner.objects.in_organisation(organisation_id).order_by(
            "kind", "name"
        )
        self.fields["unit"].queryset = Unit.objects.in_organisation(organisation_id)
        self.fields["owner"].empty_label = "Any owner"
        self.default_committee = plan.committee_name or DEFAULT_COMMITTEE
        self.fields["committee"].help_text = f"Leave blank for “{self.default_committee}”."
        if publishing:
            self.fields["meeting_date"].required = True
            self.fields["meeting_date"].error_messages["required"] = (
                "Enter the date of the meeting the report is for, like 14/01/2011"
            )
        self.moment: datetime | None = None  # the report's moment, once valid
        self.default_since: datetime | None = None
        if data is None:
            self._describe_default_since(last_published_moment(plan, before=timezone.now()))

    def clean_as_at(self) -> Moment | None:
        as_at = self.cleaned_data["as_at"]
        if as_at is not None and moment_from(as_at) > moment_from(self.today):
            raise forms.ValidationError(
                f"The 'as at' date cannot be after today ({date_format(self.today, 'j F Y')})"
            )
        return as_at

    def clean(self) -> dict:
        cleaned = super().clean()
        if "as_at" not in cleaned or "since" not in cleaned:
            return cleaned
        as_at = cleaned["as_at"]
        self.moment = moment_from(as_at) if as_at is not None else timezone.now()
        since = cleaned["since"]
        if since is None:
            # The default: the last report the committee saw, which is always before this one.
            self.default_since = last_published_moment(self.plan, before=self.moment)
            cleaned["since"] = self.default_since
            self._describe_default_since(self.default_since)
        elif since == NO_SINCE:
            cleaned["since"] = None
        elif since_moment_from(since) >= self.moment:
            self.add_error("since", "The 'since' moment must be before the 'as at' moment.")
        else:
            cleaned["since"] = since_moment_from(since)  # a date: from the start of that day
        return cleaned

    def _describe_default_since(self, default: datetime | None) -> None:
        if default is None:
            usual = "No report of this plan has been published yet: leave blank for no changes."
        else:
            usual = (
                "Leave blank for changes since the last published report "
                f"({moment_label(default)})."
            )
        text = (
            f"{usual} Or enter a date, like 14/01/2011 (from the start of that day), a date and "
            "time, like 14/01/2011 09:00, or 'none' for no list of changes."
        )
        # Validation has already made the bound field, which copied the field's help text.
        self.fields["since"].help_text = self["since"].help_text = text

    def errors_in_order(self) -> list[str]:
        """Every error message, form-wide first, then field by field in the form's order."""
        messages = list(self.non_field_errors())
        for name in self.fields:
            messages += self.errors.get(name, [])
        return messages

    def options(self) -> ReportOptions:
        data = self.cleaned_data
        return ReportOptions(
            committee=data["committee"].strip() or self.default_committee,
            meeting_date=data["meeting_date"],
            title=data["title"].strip(),
            author=data["author"].strip(),
            include_full_plan=data["full"],
        )

    def report(self) -> Report:
        data = self.cleaned_data
        return build_report(
            plan=self.plan,
            as_at=self.moment,
            since=data["since"],
            themes=[t.pk for t in data["theme"]],
            owners=[o.pk for o in data["owner"]],
            unit=data["unit"].pk if data["unit"] else None,
            exceptions_only=data["exceptions"],
            # As at a past day, overdue and awaiting update are judged on that day.
            today=self.today if data["as_at"] is None else None,
        )


def _as_query_dict(params: Mapping) -> QueryDict:
    """A QueryDict from a QueryDict or a plain dict of strings, numbers, dates or lists."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(name, [_text(v) for v in values if v is not None])
    return query


def _text(value: Any) -> str:
    if value is True:
        return "1"
    if value is False:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def report_params_form(
    plan: Plan, params: Mapping, *, today: date, publishing: bool = False
) -> ReportParamsForm:
    """The parameters bound and validated; the builder page renders this form."""
    form = ReportParamsForm(params, plan=plan, today=today, publishing=publishing)
    form.is_valid()
    return form


def report_from_params(
    plan: Plan, params: QueryDict | dict, *, today: date
) -> tuple[Report | None, ReportOptions, list[str]]:
    """The report and options the parameters ask for, or the reasons they cannot be used.

    When the errors list is not empty the report is None and the options are the defaults:
    nothing is built from parameters in error.
    """
    form = report_params_form(plan, params, today=today)
    if not form.is_valid():
        return None, ReportOptions(), form.errors_in_order()
    return form.report(), form.options(), []
