"""Forms for changing the plan's shape: themes, projects, adding and moving actions, deleting."""

from __future__ import annotations

from django import forms

from actionplan import forms as plan_forms
from actionplan.conflicts import base_of, read_loaded, sign_loaded
from actionplan.forms import ActionForm, ConflictCheckedForm, ConstraintsForm
from actionplan.models import Action, Plan, Project, Theme
from actionplan.structure import PROJECT_FIELDS, THEME_FIELDS


class ThemeForm(ConflictCheckedForm):
    conflict_noun = "theme"

    class Meta:
        model = Theme
        fields = list(THEME_FIELDS)
        widgets = {
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "title": forms.TextInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class ProjectForm(ConflictCheckedForm):
    """A project under a theme. Choosing another theme moves the project and its actions."""

    conflict_noun = "project"

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "theme": "Choosing another theme moves the project there, with all its actions.",
            "reference": 'For example "1" or "a". Leave it blank if the plan does not number '
            "its projects.",
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan).order_by("position", "id")
        self.fields["theme"].empty_label = None


class ActionAddForm(ConstraintsForm, ActionForm):
    """A new action in a project, or directly under a theme, as the plan's paper would list it.

    The theme and project come from the page (hidden), limited to the plan's own.
    """

    target_change_reason = None

    class Meta(ActionForm.Meta):
        fields = [name for name in ActionForm.Meta.fields if name != "unit"]
        labels = {"owners_as_written": "Owners", "target": "Target date"}
        help_texts = {
            **ActionForm.Meta.help_texts,
            "owners_as_written": 'As the plan writes them, for example "RF / PAG". Owners the '
            "system knows are linked to the action; others are kept as written.",
            "reference": 'For example "1(a)".',
            "completed_on": "Only for an action that is already completed.",
        }
        widgets = {
            "theme": forms.HiddenInput,
            "project": forms.HiddenInput,
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan)
        self.fields["project"].queryset = Project.objects.filter(theme__plan=plan)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"Theme {obj.theme.reference}: {obj}"


MOVE_FIELDS = ("theme", "project")


def move_token(action: Action) -> str:
    """What the move form carries: where the action is now, signed."""
    return sign_loaded(action, base_of(action, MOVE_FIELDS))


class ActionMoveForm(forms.Form):
    """Where to move an action: a theme of its plan, optionally a project in that theme.

    Like the edit forms (conflicts.py) it carries, signed, where the action was when the page
    was loaded (`loaded`), so that a move chosen against a place the action has since left is
    refused rather than undoing someone else's move.
    """

    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), empty_label=None)
    project = ProjectChoiceField(
        queryset=Project.objects.none(),
        required=False,
        empty_label="No project: directly under the theme",
        help_text="The project must be in the theme you choose.",
    )
    place = forms.ChoiceField(
        label="Where in the theme or project",
        choices=[("end", "At the end"), ("start", "At the start")],
        initial="end",
        widget=forms.RadioSelect,
    )
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: Action, **kwargs) -> None:
        kwargs.setdefault("initial", {"theme": action.theme_id, "project": action.project_id})
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["loaded"].initial = move_token(action)
        plan_id = action.theme.plan_id
        self.fields["theme"].queryset = Theme.objects.filter(plan_id=plan_id).order_by(
            "position", "id"
        )
        self.fields["project"].queryset = (
            Project.objects.filter(theme__plan_id=plan_id)
            .select_related("theme")
            .order_by("theme__position", "theme_id", "position", "id")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        theme, project = cleaned.get("theme"), cleaned.get("project")
        if theme and project and project.theme_id != theme.pk:
            self.add_error(
                "project",
                f"“{project}” is in theme {project.theme.reference}, not theme "
                f"{theme.reference}. Choose a project in theme {theme.reference}, or no project.",
            )
        return cleaned

    @property
    def base(self) -> dict | None:
        """Where the action was when the page was loaded (None: not carried, so not checked)."""
        carried = read_loaded(self.data.get(self.add_prefix("loaded"), ""), self.action)
        return carried.base if carried is not None else None


class MilestoneForm(plan_forms.MilestoneForm):
    """forms.MilestoneForm with labels that read well on the page."""

    class Meta(plan_forms.MilestoneForm.Meta):
        labels = {"text": "Milestone", "target": "Target date", "done_on": "Date done"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            **plan_forms.MilestoneForm.Meta.help_texts,
            "done_on": "Leave blank until it is done. For example, 27/3/2005.",
        }


class ActionDeleteForm(forms.Form):
    reason = forms.CharField(
        label="Why are you deleting this action?",
        help_text="For example, it was entered twice by mistake. The reason is kept in the "
        "history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for deleting the action."},
    )
