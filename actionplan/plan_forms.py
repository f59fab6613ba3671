"""Forms for setting up plans: a new plan (empty, from a spreadsheet, or a next version), and a
plan's settings."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from actionplan.forms import ConflictCheckedForm
from actionplan.models import Organisation, Plan, PlanStatus

DATE_HELP = "For example 1/4/2026."


class StartFrom:
    EMPTY = "empty"
    SPREADSHEET = "spreadsheet"
    NEXT_VERSION = "next_version"
    CHOICES = [
        (EMPTY, "An empty plan: I will add its themes and actions here"),
        (SPREADSHEET, "A spreadsheet: import the plan as the council keeps it"),
        (NEXT_VERSION, "The next version of a plan: carry its open actions over"),
    ]


class PlanDetailsForm(forms.ModelForm):
    """The plan's name, address, period and committee, shared by adding and settings."""

    class Meta:
        model = Plan
        fields = [
            "title",
            "slug",
            "version_label",
            "period_start",
            "period_end",
            "adopted_on",
            "committee",
            "status",
        ]
        labels = {
            "slug": "Address",
            "version_label": "Version",
            "period_start": "Plan period starts",
            "period_end": "Plan period ends",
            "adopted_on": "Adopted on",
        }
        help_texts = {
            "title": 'For example "Customer Service Excellence Action Plan".',
            "slug": "Used in the plan's web addresses: lower-case letters, numbers and hyphens.",
            "period_start": DATE_HELP,
            "period_end": DATE_HELP,
            "adopted_on": DATE_HELP,
        }

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        committees = organisation.committee_list()
        if committees:
            self.fields["committee"].help_text = (
                f"This organisation's committees: {', '.join(committees)}. Leave it blank "
                f"for {committees[0]}."
            )


class PlanAddForm(PlanDetailsForm):
    start = forms.ChoiceField(
        label="Start from",
        choices=StartFrom.CHOICES,
        initial=StartFrom.EMPTY,
        widget=forms.RadioSelect,
    )
    previous = forms.ModelChoiceField(
        label="Previous version",
        queryset=Plan.objects.none(),
        required=False,
        help_text="For the next version only: its open actions are carried over and it is "
        "archived.",
    )

    field_order = ["start", "previous"]

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text += " Leave it blank to make it from the title."
        self.fields["previous"].queryset = (
            Plan.objects.in_organisation(organisation)
            .exclude(status=PlanStatus.ARCHIVED)
            .order_by("title")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") == StartFrom.NEXT_VERSION and not cleaned.get("previous"):
            self.add_error("previous", "Choose the plan this is the next version of.")
        return cleaned

    def validate_unique(self) -> None:
        # A blank address is made from the title, so only a typed one must be free.
        if self.cleaned_data.get("slug"):
            super().validate_unique()


class PlanSettingsForm(ConflictCheckedForm, PlanDetailsForm):
    conflict_noun = "plan's settings"

    class Meta(PlanDetailsForm.Meta):
        fields = [*PlanDetailsForm.Meta.fields, "awaiting_update_days"]
        labels = {**PlanDetailsForm.Meta.labels, "awaiting_update_days": "Awaiting update after"}
        help_texts = {
            **PlanDetailsForm.Meta.help_texts,
            "awaiting_update_days": "Days without an update before an action counts as "
            "awaiting update. Leave it blank for the site's default.",
        }

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == PlanStatus.ARCHIVED and self.instance.status != PlanStatus.ARCHIVED:
            # Archiving is a decision with consequences (read-only): say so, but allow it.
            return status
        return status

    def clean_awaiting_update_days(self):
        days = self.cleaned_data["awaiting_update_days"]
        if days is not None and days < 1:
            raise ValidationError("Enter a number of days of 1 or more.")
        return days
