"""Forms for consultation exercises, findings, the public page and scrutiny recommendations."""

from __future__ import annotations

from django import forms

from actionplan.formfields import IdsField
from actionplan.forms import ConflictCheckedForm
from actionplan.models import Action, Plan, Theme
from consultation.models import Exercise, Finding, PublicPage, Recommendation, ScrutinyMeeting

DATE_HELP = "For example 18/11/2004."


class ExerciseForm(ConflictCheckedForm):
    conflict_noun = "exercise"

    document_url = forms.URLField(
        label="Link to the results",
        required=False,
        assume_scheme="https",
        help_text="Where the results are published.",
    )

    class Meta:
        model = Exercise
        fields = [
            "title",
            "method",
            "audience",
            "started_on",
            "ended_on",
            "respondents",
            "summary",
            "document_url",
            "published",
        ]
        labels = {
            "started_on": "Started on",
            "ended_on": "Ended on",
            "respondents": "Number of respondents",
            "document_url": "Link to the results",
            "published": "Publish this exercise",
        }
        help_texts = {"started_on": DATE_HELP, "ended_on": DATE_HELP}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class FindingForm(ConflictCheckedForm):
    conflict_noun = "finding"

    themes = IdsField(
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plan themes it bears on",
    )

    class Meta:
        model = Finding
        fields = [
            "said",
            "strength_kind",
            "strength_value",
            "strength_of",
            "strength_as_written",
            "quotes",
            "we_did",
            "published",
        ]
        labels = {"published": "Publish this finding"}
        widgets = {
            "said": forms.Textarea(attrs={"rows": 4}),
            "strength_kind": forms.RadioSelect,
            "quotes": forms.Textarea(attrs={"rows": 5}),
            "we_did": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(plan=plan).order_by("position")
        if self.instance.pk:
            self.fields["themes"].initial = [
                link.theme_id for link in self.instance.finding_themes.all()
            ]


class PublicPageForm(ConflictCheckedForm):
    conflict_noun = "page"

    class Meta:
        model = PublicPage
        fields = ["you_said_we_did_published", "introduction"]
        labels = {"you_said_we_did_published": 'Make the "you said, we did" page public'}
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}


class RecommendationForm(ConflictCheckedForm):
    conflict_noun = "recommendation"

    class Meta:
        model = Recommendation
        fields = [
            "reference",
            "theme_heading",
            "text",
            "response",
            "response_reasons",
            "theme",
            "report_back_as_written",
            "report_back_due",
        ]
        labels = {"report_back_as_written": "Report-back as the minutes put it"}
        help_texts = {"report_back_due": DATE_HELP}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "response": forms.RadioSelect,
            "response_reasons": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan).order_by("position")


class MeetingForm(forms.ModelForm):
    document_url = forms.URLField(
        label="Link to the minutes", required=False, assume_scheme="https"
    )

    class Meta:
        model = ScrutinyMeeting
        fields = ["body", "title", "meeting_date", "minute_reference", "document_url", "note"]
        help_texts = {"meeting_date": DATE_HELP}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class LinkActionForm(forms.Form):
    """Choose one of the plan's actions (a select: works without JavaScript)."""

    action = forms.ModelChoiceField(
        queryset=Action.objects.none(),
        label="Action",
        empty_label="Choose an action",
        error_messages={"required": "Choose an action.", "invalid_choice": "Choose an action."},
    )

    def __init__(self, *args, plan: Plan, search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = Action.objects.for_plan(plan).select_related("theme", "project")
        if search:
            actions = actions.filter(description__icontains=search) | actions.filter(
                reference__icontains=search
            )
        self.fields["action"].queryset = actions.order_by(
            "theme__position", "project__position", "position", "pk"
        )
        self.fields["action"].label_from_instance = _action_label
        self.shown = actions


def _action_label(action: Action) -> str:
    text = action.description if len(action.description) <= 90 else action.description[:89] + "…"
    return f"{action.full_reference} {text}".strip()


class ReportedBackForm(forms.Form):
    reported_back_on = forms.DateField(
        label="Reported back on", required=False, help_text=f"Leave blank for today. {DATE_HELP}"
    )
