"""Forms for the standards register and for entering a period's performance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from actionplan.forms import ConflictCheckedForm
from actionplan.models import Action, Owner, Plan, Unit
from standards.figures import figure_value, parse_number
from standards.models import PerformanceValue, Scope, Standard
from standards.periods import MONTHLY, Period

DATE_HELP = "For example 01/04/2026. Leave blank if it has always applied."
REASON_HELP = "Kept in the standard's history."


class StandardForm(ConflictCheckedForm):
    """Add a standard, or correct one in place (a change of target is a revision instead)."""

    conflict_noun = "standard"

    reason = forms.CharField(
        label="Reason for the change", max_length=200, required=False, help_text=REASON_HELP
    )

    class Meta:
        model = Standard
        fields = [
            "reference",
            "title",
            "channel",
            "stage",
            "commitment",
            "measure",
            "unit",
            "target",
            "better",
            "amber_tolerance",
            "frequency",
            "scope",
            "service",
            "owner",
            "plan",
            "effective_from",
            "effective_to",
            "published",
            "position",
            "note",
        ]
        widgets = {
            "commitment": forms.Textarea(attrs={"rows": 3}),
            "better": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"effective_from": DATE_HELP, "effective_to": "Leave blank if it continues."}
        labels = {"better": "Which direction is better", "position": "Order within its channel"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
        # Only the standard's own organisation's owners, services and plans can be chosen.
        organisation_id = self.instance.organisation_id
        self.fields["owner"].queryset = Owner.objects.in_organisation(organisation_id)
        self.fields["service"].queryset = Unit.objects.in_organisation(organisation_id)
        self.fields["plan"].queryset = Plan.objects.in_organisation(organisation_id)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scope") == Scope.SERVICE and not data.get("service"):
            self.add_error("service", "Choose the service that makes this commitment.")
        if data.get("reference"):
            self._refuse_overlap(data)
        return data

    def _refuse_overlap(self, data: dict) -> None:
        """Two versions of one reference may not be in force on the same day."""
        start, end = data.get("effective_from") or date.min, data.get("effective_to") or date.max
        others = (
            Standard.objects.in_organisation(self.instance.organisation_id)
            .filter(reference=data["reference"])
            .exclude(pk=self.instance.pk)
        )
        for other in others:
            if (other.effective_from or date.min) <= end and (
                other.effective_to or date.max
            ) >= start:
                self.add_error(
                    "reference" if not self.instance.pk else "effective_from",
                    f"Another version of {data['reference']} is in force "
                    f"{_span(other)}. To change a standard from a date, revise it instead.",
                )
                return


class ReviseForm(ConflictCheckedForm):
    """A new version of a standard from a date: the current version ends the day before.

    It starts from the current version's values: a revision over someone else's correction of
    them meanwhile is refused like any edit (actionplan.conflicts).
    """

    conflict_noun = "standard"

    revise_from = forms.DateField(
        label="New version applies from", help_text="For example 02/07/2012."
    )
    reason = forms.CharField(label="Reason for the revision", max_length=200, help_text=REASON_HELP)

    class Meta:
        model = Standard
        fields = [
            "title",
            "commitment",
            "measure",
            "unit",
            "target",
            "better",
            "amber_tolerance",
            "frequency",
            "published",
            "note",
        ]
        widgets = {
            "commitment": forms.Textarea(attrs={"rows": 3}),
            "better": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"better": "Which direction is better"}

    def __init__(self, *args, standard: Standard, **kwargs) -> None:
        super().__init__(*args, instance=standard, **kwargs)

    def _post_clean(self) -> None:
        # The new version is built and validated by services.standard_revise; the current
        # version (the instance) is left as it is.
        pass


@dataclass
class EntryRow:
    """One standard on the period form, with its period and its fields."""

    standard: Standard
    period: Period
    existing: PerformanceValue | None
    fields: list[forms.BoundField]

    @property
    def prefix(self) -> str:
        return f"s{self.standard.pk}"

    @property
    def figure_fields(self) -> list[forms.BoundField]:
        return self.fields[:-1]

    @property
    def note_field(self) -> forms.BoundField:
        return self.fields[-1]


def _entry_period(standard: Standard, month: date) -> Period | None:
    """The standard's period that ends in `month`, if it is in force for any of it."""
    period = Period.containing(month, standard.frequency)
    if period.last_month != month:
        return None
    in_force = (standard.effective_from is None or standard.effective_from <= period.end) and (
        standard.effective_to is None or standard.effective_to >= period.start
    )
    return period if in_force else None


def entry_standards(organisation, month: date) -> list[tuple[Standard, Period]]:
    """The organisation's standards with a period ending in `month` (monthly ones always),
    latest version each."""
    candidates = (
        Standard.objects.in_organisation(organisation)
        .in_force(Period.containing(month, "annually").start, Period(month).end)
        .for_register()
    )
    chosen: dict[str, tuple[Standard, Period]] = {}
    for standard in candidates:
        period = _entry_period(standard, month)
        if period is not None:
            chosen[standard.reference] = (standard, period)
    return list(chosen.values())


class PeriodForm(forms.Form):
    """Every standard's figure for one month on one page; blank rows are left out."""

    publish = forms.BooleanField(
        label="Publish these figures on the public standards page",
        required=False,
        help_text="Only published standards appear there.",
    )

    def __init__(
        self,
        *args,
        month: date,
        standards: list[tuple[Standard, Period]],
        existing: dict[int, PerformanceValue],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.month = month
        self.entries: list[tuple[Standard, Period, PerformanceValue | None]] = [
            (standard, period, existing.get(standard.pk)) for standard, period in standards
        ]
        for standard, _period, old in self.entries:
            p = f"s{standard.pk}"
            self.fields[f"{p}-value"] = forms.CharField(
                label="Percentage" if standard.is_percentage else _value_label(standard),
                required=False,
                initial=_plain(old.value) if old else "",
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}
                ),
            )
            if standard.is_percentage:
                for name, label in (("numerator", "Numerator"), ("denominator", "Denominator")):
                    self.fields[f"{p}-{name}"] = forms.CharField(
                        label=label,
                        required=False,
                        initial=getattr(old, name)
                        if old and getattr(old, name) is not None
                        else "",
                        widget=forms.TextInput(
                            attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
                        ),
                    )
            self.fields[f"{p}-note"] = forms.CharField(
                label="Note",
                required=False,
                initial=old.note if old else "",
                widget=forms.TextInput(attrs={"class": "govuk-!-width-full"}),
            )
        if existing:
            self.fields["publish"].initial = all(v.published for v in existing.values())

    def rows(self) -> list[EntryRow]:
        rows = []
        for standard, period, old in self.entries:
            p = f"s{standard.pk}"
            names = [f"{p}-value", f"{p}-numerator", f"{p}-denominator", f"{p}-note"]
            rows.append(
                EntryRow(standard, period, old, [self[n] for n in names if n in self.fields])
            )
        return rows

    def clean(self) -> dict:
        data = super().clean()
        self.figures: list[dict] = []
        self.cleared: list[PerformanceValue] = []
        for standard, period, old in self.entries:
            p = f"s{standard.pk}"
            texts = {
                n: (data.get(f"{p}-{n}") or "").strip()
                for n in ("value", "numerator", "denominator")
            }
            note = (data.get(f"{p}-note") or "").strip()
            if not any(texts.values()):
                if note:
                    self.add_error(
                        f"{p}-value", f"{standard.reference}: enter a value for the note."
                    )
                elif old is not None:
                    self.cleared.append(old)
                continue
            try:
                numbers = {n: parse_number(t, what=n) for n, t in texts.items()}
                value = figure_value(unit=standard.unit, **numbers)
            except ValidationError as error:
                field = "value" if texts["value"] or not standard.is_percentage else "numerator"
                self.add_error(f"{p}-{field}", f"{standard.reference}: {error.messages[0]}")
                continue
            self.figures.append(
                {
                    "standard": standard,
                    "period": period,
                    "value": value,
                    "numerator": _whole(numbers["numerator"]),
                    "denominator": _whole(numbers["denominator"]),
                    "note": note,
                }
            )
        return data


def _span(standard: Standard) -> str:
    start = (
        f"from {standard.effective_from:%d/%m/%Y}" if standard.effective_from else "from the start"
    )
    return f"{start} to {standard.effective_to:%d/%m/%Y}" if standard.effective_to else start


def _value_label(standard: Standard) -> str:
    return f"Value in {standard.get_unit_display().lower()}" if standard.unit else "Value"


def _plain(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _whole(number) -> int | None:
    return None if number is None else int(number)


def month_choices(today: date, count: int = 24) -> list[tuple[str, str]]:
    month = Period.containing(today, MONTHLY)
    choices = []
    for _ in range(count):
        choices.append((month.key, month.label))
        month = month.previous()
    return choices


class ActionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.theme.plan.title}: {obj.theme.reference}. {obj}"


class ActionLinkForm(forms.Form):
    """Link an action that improves performance against the standard."""

    action = ActionChoice(
        queryset=Action.objects.none(),
        label="Action",
        error_messages={"required": "Choose the action.", "invalid_choice": "Choose the action."},
    )
    note = forms.CharField(label="How it helps", max_length=200, required=False)

    def __init__(self, *args, actions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: standard, period, value, numerator, denominator, site, note.",
    )
    publish = forms.BooleanField(
        label="Publish these figures on the public standards page", required=False
    )
