"""Forms for editing the plan, with messages a council officer understands."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import UniqueConstraint
from django.utils import timezone

from actionplan.conflicts import (
    EditConflict,
    LinkSet,
    Loaded,
    base_of,
    conflict_summary,
    read_loaded,
    sign_loaded,
)
from actionplan.models import (
    ACTION_CONTENT_FIELDS,
    Action,
    Milestone,
    Project,
    Rag,
    Status,
    Theme,
    Unit,
)

TARGET_HELP = (
    'Write it as you would in a paper: "Dec 2004", "Mid November 2004", "Q3 2012/13", '
    '"Autumn 2005", "Ongoing", "TBC".'
)


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a model's ValidationError on the form: on its fields, the rest above them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class ConstraintsForm(forms.ModelForm):
    """A model form that checks every constraint, also those on fields the page sets.

    A plain ModelForm skips a constraint that involves a field outside the form (a theme's
    plan, a new action's project), so a duplicate reference would reach the database as a
    server error. Here it is a form error with the model's own message, on the reference.
    """

    def validate_unique(self) -> None:
        exclude = {name for name in self.errors if name != NON_FIELD_ERRORS}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            add_model_errors(self, error)
        model = type(self.instance)
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, self.instance, exclude=exclude)
            except ValidationError as error:
                on_reference = isinstance(constraint, UniqueConstraint) and (
                    "reference" in constraint.fields and "reference" in self.fields
                )
                self.add_error("reference" if on_reference else None, error.messages)


OUT_OF_DATE = "This page is out of date. Open it again and make your change."
KEEP_THEIRS, USE_MINE = "theirs", "mine"


def _in_sentence(label: str) -> str:
    """A field's label inside a sentence: "target date", but "RAG" stays in capitals."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


class ConflictCheckedForm(ConstraintsForm):
    """An edit form that refuses to save over someone else's change (conflicts.py), three-way.

    It carries, signed, the values it started from (`loaded`). The view passes `form.base` to
    the service; on conflicts.EditConflict it calls `show_conflict`, after which the form holds
    their changes and the user's, and asks "keep theirs / use mine" where both changed a field.
    A form that edits sets of linked rows names them in `link_sets()` (field → LinkSet); the
    service compares them too, with the ids in `form.chosen`.
    """

    conflict_noun = "item"
    # Never written into the page, not even signed (signing is not encryption): not compared.
    secret_fields: tuple[str, ...] = ()

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_fields()
        self.conflict: EditConflict | None = None
        self.kept_theirs: set[str] = set()
        self.carried: Loaded | None = None
        model = type(self.instance)
        concrete = {f.name for f in model._meta.concrete_fields}
        self.checked_fields = [
            name
            for name in self._meta.fields
            if name in concrete and name not in self.secret_fields
        ]
        self.sets: dict[str, LinkSet] = {}
        if self.instance.pk is None:
            return
        self.sets = self.link_sets()
        base = base_of(self.instance, self.checked_fields, self.sets)
        for name in self.sets:
            self.initial.setdefault(name, base[name])
        self.fields["loaded"].initial = sign_loaded(self.instance, base)
        self.carried = self._carried()
        for name, (theirs, yours) in (self.carried.ask if self.carried else {}).items():
            if name in self.fields:
                self._ask(name, theirs=theirs, yours=yours)

    def add_fields(self) -> None:
        """Add fields made per record (a checkbox group per theme) before the check starts."""

    def link_sets(self) -> dict[str, LinkSet]:
        """The sets of linked rows this form edits, by field name (an existing record's)."""
        return {}

    @property
    def chosen(self) -> dict[str, list[int]]:
        """The ids the user chose for each link set, for the service's conflict check."""
        return {
            name: [getattr(row, "pk", row) for row in self.cleaned_data.get(name) or []]
            for name in self.sets
        }

    def _carried(self) -> Loaded | None:
        if not self.is_bound:
            return None
        return read_loaded(self.data.get(self.add_prefix("loaded"), ""), self.instance)

    def _ask(self, name: str, *, theirs: str, yours: str) -> None:
        """Put a required "keep theirs / use mine" choice right after field `name`."""
        label = _in_sentence(str(self.fields[name].label or name))
        choice = forms.ChoiceField(
            label=f"Which {label} do you want to keep?",
            choices=[
                (KEEP_THEIRS, f"Keep theirs: “{theirs}”"),
                (USE_MINE, f"Use mine: “{yours}” (as in the box above)"),
            ],
            widget=forms.RadioSelect,
            error_messages={"required": f"Choose whether to keep their {label} or use yours."},
        )
        fields = {}
        for key, value in self.fields.items():
            fields[key] = value
            if key == name:
                fields[f"keep_{name}"] = choice
        self.fields = fields

    @property
    def base(self) -> dict | None:
        """The values the user started from, for the service's conflict check (None: adding)."""
        return self.carried.base if self.carried is not None else None

    @property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name not in self.kept_theirs]

    def clean(self) -> dict:
        if self.instance.pk is not None and self.carried is None:
            raise forms.ValidationError(OUT_OF_DATE)
        for name in self.carried.ask if self.carried else {}:
            if self.cleaned_data.get(f"keep_{name}") == KEEP_THEIRS:
                self.kept_theirs.add(name)
        cleaned = super().clean()
        for name in self.kept_theirs:
            # The row as stored now: the service refuses again if it moved on meanwhile.
            cleaned[name] = getattr(self.instance, name)
        return cleaned

    def show_conflict(self, conflict: EditConflict) -> None:
        """Refuse the save, showing theirs beside yours; the form now starts from theirs."""
        self.conflict = conflict
        data = self.data.copy()
        ask = {}
        for change in conflict.changes:
            if change.mine_changed:
                ask[change.field] = [change.theirs, change.yours]
            elif change.field in self.sets:
                data.setlist(self.add_prefix(change.field), [str(pk) for pk in change.stored])
            elif change.field in self.fields:
                data[self.add_prefix(change.field)] = "" if change.stored is None else change.stored
        data[self.add_prefix("loaded")] = sign_loaded(self.instance, conflict.base, ask)
        for name in self.carried.ask if self.carried else {}:
            data.pop(self.add_prefix(f"keep_{name}"), None)
        self.data = data
        self.add_error(None, conflict_summary(conflict, noun=self.conflict_noun))
        for change in conflict.changes:
            target = change.field if change.field in self.fields else None
            if change.mine_changed and target:
                if f"keep_{change.field}" not in self.fields:
                    self._ask(change.field, theirs=change.theirs, yours=change.yours)
                self.add_error(f"keep_{change.field}", str(change))
            else:
                self.add_error(target, str(change))


class ActionForm(forms.ModelForm):
    """Edit an action. Changing the target date of an existing action needs a reason."""

    target_change_reason = forms.CharField(
        label="Reason for changing the target date",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when you change the target date. The original target is kept.",
    )

    class Meta:
        model = Action
        fields = list(ACTION_CONTENT_FIELDS)
        help_texts = {"target": TARGET_HELP}
        error_messages = {
            "description": {"required": "Describe the action."},
            "theme": {"required": "Choose the theme the action belongs to."},
            "status": {"required": "Choose the action's status."},
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        target_changed = self.instance.pk and "target" in self.changed_data
        if target_changed and not (cleaned.get("target_change_reason") or "").strip():
            self.add_error(
                "target_change_reason",
                "Give the reason the target date changed: the original target is kept beside "
                "the new one.",
            )
        if target_changed and not (cleaned.get("target") or "").strip():
            self.add_error("target", "Enter the new target date, or TBC if it is not known.")
        return cleaned


class ActionEditForm(ConflictCheckedForm, ActionForm):
    """An existing action, with its theme and project limited to its own plan's."""

    conflict_noun = "action"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.theme.plan
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan)
        self.fields["unit"].queryset = Unit.objects.in_organisation(plan.organisation_id)
        self.fields["project"].queryset = Project.objects.filter(theme__plan=plan).select_related(
            "theme"
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.theme.reference} / {p}"


class ProgressForm(forms.Form):
    """Record progress on an action, optionally with a revised target date."""

    reported_on = forms.DateField(
        label="Date of this update",
        initial=timezone.localdate,
        help_text="For example 30/11/2026.",
        error_messages={
            "required": "Enter the date of this update.",
            "invalid": "Enter the date of this update as day/month/year, like 30/11/2026.",
        },
    )
    narrative = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Describe the progress made. If nothing has changed, use “No change "
            "since the last update” on the action's page."
        },
    )
    status = forms.ChoiceField(
        choices=Status.choices, error_messages={"required": "Choose the action's status."}
    )
    rag = forms.ChoiceField(label="RAG", choices=Rag.choices, required=False)
    percent_complete = forms.IntegerField(
        label="Percentage complete",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "Percentage complete must be between 0 and 100.",
            "max_value": "Percentage complete must be between 0 and 100.",
            "invalid": "Enter percentage complete as a whole number, like 40.",
        },
    )
    new_target = forms.CharField(
        label="Revised target date", required=False, max_length=200, help_text=TARGET_HELP
    )
    target_reason = forms.CharField(
        label="Reason for the revised target date",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args, action: Action, statuses: list[tuple[str, str]] | None = None, **kwargs
    ) -> None:
        self.action = action
        kwargs.setdefault(
            "initial",
            {
                "status": action.status,
                "rag": action.rag,
                "percent_complete": action.percent_complete,
            },
        )
        super().__init__(*args, **kwargs)
        if statuses is not None:  # statusrules.status_choices: what this user may choose
            self.fields["status"].choices = statuses

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise forms.ValidationError("The date of the update cannot be in the future.")
        return reported_on

    def clean(self) -> dict:
        cleaned = super().clean()
        new_target = (cleaned.get("new_target") or "").strip()
        reason = (cleaned.get("target_reason") or "").strip()
        if new_target and new_target != self.action.target and not reason:
            self.add_error("target_reason", "Give the reason for the revised target date.")
        if cleaned.get("status") == Status.COMPLETED and cleaned.get("percent_complete") not in (
            None,
            100,
        ):
            self.add_error(
                "percent_complete",
                "A completed action is 100% complete: change the percentage or the status.",
            )
        return cleaned


class MilestoneForm(ConflictCheckedForm):
    """A step within an action. Its target must fall within the action's own target."""

    conflict_noun = "milestone"

    class Meta:
        model = Milestone
        fields = ["text", "target", "done_on"]
        help_texts = {"target": TARGET_HELP}

    def __init__(self, *args, action: Action, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.action = action


class RetireForm(forms.Form):
    reason = forms.CharField(
        label="Why is this action no longer appropriate?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the action is no longer appropriate."},
    )
