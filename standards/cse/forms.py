"""Forms of the CSE pages: evidence, a whole assessment, theme ↔ criterion mapping."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from actionplan.conflicts import LinkSet
from actionplan.formfields import IdsField
from actionplan.forms import ConflictCheckedForm
from actionplan.models import Action, Plan, Theme
from consultation.models import Exercise
from standards.cse import services as cse_services
from standards.cse.models import (
    Assessment,
    AssessmentKind,
    Compliance,
    Criterion,
    Evidence,
    SubCriterion,
)
from standards.cse.services import RatingInput
from standards.models import Standard

DATE_HELP = "For example 30/11/2026."


def _sub_label(sub: SubCriterion) -> str:
    return f"{sub.reference} {sub.title}"


class EvidenceForm(ConflictCheckedForm):
    """An evidence item and what it is linked to."""

    conflict_noun = "evidence item"

    url = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where the evidence can be read, like https://example.org/report.",
        error_messages={
            "invalid": "Enter the link as a web address, like https://example.org/report."
        },
    )
    sub_criteria = IdsField(
        label="Sub-criteria this evidence supports",
        queryset=SubCriterion.objects.select_related("criterion"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one sub-criterion this evidence supports."},
    )
    actions = IdsField(
        label="Plan actions it comes from or supports",
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    standards = IdsField(
        label="Service standards whose performance it shows",
        queryset=Standard.objects.none(),  # the plan organisation's, set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    exercises = IdsField(
        label="Consultation exercises it draws on",
        queryset=Exercise.objects.none(),  # the plan organisation's, set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Evidence
        fields = ["title", "text", "url", "dated", "note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"dated": DATE_HELP}
        error_messages = {
            "title": {"required": "Enter a short title for the evidence."},
            "text": {"required": "Describe what the evidence shows."},
            "dated": {
                "required": "Enter the date of the evidence.",
                "invalid": "Enter the date of the evidence as day/month/year, like 30/11/2026.",
            },
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sub_criteria"].label_from_instance = _sub_label
        self.fields["actions"].queryset = Action.objects.filter(theme__plan=plan).select_related(
            "theme", "project"
        )
        self.fields["actions"].label_from_instance = lambda a: (
            f"{a.full_reference}: {a.description[:120]}"
        )
        # A revised standard keeps its old versions as rows: offer the versions in force today,
        # and any other version this evidence already points at.
        linked = (
            [link.standard_id for link in self.instance.standard_links.all()]
            if (self.instance.pk)
            else []
        )
        # Only this plan's exercises (never another plan's, nor another council's).
        self.fields["exercises"].queryset = Exercise.objects.filter(plan=plan)
        self.fields["standards"].queryset = Standard.objects.in_organisation(
            plan.organisation_id
        ).filter(
            Q(effective_to__isnull=True)
            | Q(effective_to__gte=timezone.localdate())
            | Q(pk__in=linked)
        )
        # Links to registers that are still empty would be questions with no answers.
        for name in ("standards", "exercises"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        if self.instance.pk:
            ev = self.instance
            self.initial.setdefault(
                "sub_criteria", [link.sub_criterion_id for link in ev.sub_criterion_links.all()]
            )
            self.initial.setdefault("actions", [link.action_id for link in ev.action_links.all()])
            self.initial.setdefault(
                "standards", [link.standard_id for link in ev.standard_links.all()]
            )
            self.initial.setdefault(
                "exercises", [link.exercise_id for link in ev.exercise_links.all()]
            )

    def link_sets(self) -> dict[str, LinkSet]:
        return cse_services.cse_evidence_link_sets(self.instance)

    def clean_dated(self):
        dated = self.cleaned_data["dated"]
        if dated > timezone.localdate():
            raise forms.ValidationError("The date of the evidence cannot be in the future.")
        return dated


class AssessmentForm(forms.ModelForm):
    """An assessment's date and assessor, then a rating and a note for every sub-criterion."""

    class Meta:
        model = Assessment
        fields = ["assessed_on", "kind", "assessor", "notes"]
        widgets = {
            "kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"assessed_on": DATE_HELP}
        error_messages = {
            "assessed_on": {
                "required": "Enter the date of the assessment.",
                "invalid": "Enter the date of the assessment as day/month/year, like 30/11/2026.",
            },
        }

    def __init__(self, *args, sub_criteria: list[SubCriterion], previous: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AssessmentKind.choices
        self.fields["assessed_on"].initial = timezone.localdate
        self.sub_criteria = sub_criteria
        for sub in sub_criteria:
            before = previous.get(sub.pk)
            self.fields[f"rating_{sub.pk}"] = forms.ChoiceField(
                label=_sub_label(sub),
                choices=[("", "Not rated this time"), *Compliance.choices],
                widget=forms.RadioSelect,
                required=False,
                initial=before.compliance if before else "",
                help_text=(
                    f"Last time: {before.get_compliance_display().lower()}."
                    if before
                    else "Not rated before."
                ),
            )
            self.fields[f"note_{sub.pk}"] = forms.CharField(
                label=f"Note on {sub.reference}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError("The date of the assessment cannot be in the future.")
        return assessed_on

    def clean(self):
        cleaned = super().clean()
        for sub in self.sub_criteria:
            if cleaned.get(f"note_{sub.pk}") and not cleaned.get(f"rating_{sub.pk}"):
                self.add_error(
                    f"rating_{sub.pk}",
                    f"Choose a rating for {sub.reference}, or remove the note you wrote.",
                )
        if not any(cleaned.get(f"rating_{sub.pk}") for sub in self.sub_criteria):
            first = self.sub_criteria[0] if self.sub_criteria else None
            if first is not None:
                self.add_error(f"rating_{first.pk}", "Rate at least one sub-criterion.")
        return cleaned

    def ratings(self) -> dict[SubCriterion, RatingInput]:
        return {
            sub: RatingInput(
                compliance=self.cleaned_data.get(f"rating_{sub.pk}") or "",
                note=self.cleaned_data.get(f"note_{sub.pk}") or "",
            )
            for sub in self.sub_criteria
        }


class MappingForm(ConflictCheckedForm):
    """For each theme of a plan, the criteria it works towards (checkboxes), as the plan's."""

    conflict_noun = "mapping"

    class Meta:
        model = Plan
        fields: list[str] = []

    def __init__(self, *args, themes: list[Theme], criteria: list[Criterion], **kwargs):
        self.themes = themes
        self.criteria = {c.pk: c for c in criteria}
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        choices = [(pk, str(c)) for pk, c in self.criteria.items()]
        for theme in self.themes:
            self.fields[f"theme_{theme.pk}"] = forms.TypedMultipleChoiceField(
                label=f"Theme {theme}",
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def link_sets(self) -> dict[str, LinkSet]:
        return cse_services.cse_theme_mapping_sets(self.themes)

    def mapping(self) -> dict[Theme, list[Criterion]]:
        return {
            theme: [self.criteria[pk] for pk in self.cleaned_data[f"theme_{theme.pk}"]]
            for theme in self.themes
        }


class ActionCriteriaForm(ConflictCheckedForm):
    """The sub-criteria an action addresses directly."""

    conflict_noun = "action's CSE sub-criteria"

    sub_criteria = IdsField(
        label="Sub-criteria this action addresses",
        queryset=SubCriterion.objects.select_related("criterion"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Besides the criteria its theme is mapped to.",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sub_criteria"].label_from_instance = _sub_label

    def link_sets(self) -> dict[str, LinkSet]:
        return {"sub_criteria": cse_services.cse_action_sub_criteria_links(self.instance)}
