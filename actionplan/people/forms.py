"""Forms of the owners register."""

from __future__ import annotations

from django import forms

from actionplan.conflicts import LinkSet
from actionplan.forms import ConflictCheckedForm
from actionplan.models import Organisation, Owner, OwnerKind, Unit
from actionplan.people.services import group_member_links


class OwnerForm(ConflictCheckedForm):
    """A person (name, initials, job title, e-mail, unit) or a group (abbreviation, members)."""

    members = forms.ModelMultipleChoiceField(
        queryset=Owner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="An update round asks the members of a group about its actions.",
    )

    class Meta:
        model = Owner
        fields = ["name", "short_name", "job_title", "email", "unit", "aliases"]
        labels = {"email": "E-mail address"}

    @property
    def conflict_noun(self) -> str:
        return "group" if self.instance.kind == OwnerKind.GROUP else "person"

    def __init__(self, *args, organisation: Organisation, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.instance.kind = kind
        self.fields["unit"].queryset = Unit.objects.in_organisation(organisation)
        self.fields["unit"].label = "Directorate, service or partner"
        if kind == OwnerKind.GROUP:
            self.fields["short_name"].label = "Abbreviation"
            self.fields["short_name"].help_text = 'For example "PAG".'
            for name in ("job_title", "email"):
                del self.fields[name]
            self.fields["members"].queryset = (
                Owner.objects.in_organisation(organisation)
                .active()
                .filter(kind=OwnerKind.PERSON)
                .order_by("name")
            )
        else:
            self.fields["short_name"].label = "Initials"
            self.fields["email"].help_text = "Update rounds e-mail this address."
            del self.fields["members"]

    def link_sets(self) -> dict[str, LinkSet]:
        if self.instance.kind != OwnerKind.GROUP:
            return {}
        return {"members": group_member_links(self.instance)}


class OwnerChoiceForm(forms.Form):
    """Choose another owner of the organisation (to merge with, or to take over actions)."""

    other = forms.ModelChoiceField(queryset=Owner.objects.none())

    def __init__(
        self, *args, owner: Owner, label: str, help_text: str, required: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        field.label, field.help_text, field.required = label, help_text, required
        field.queryset = (
            Owner.objects.in_organisation(owner.organisation_id)
            .active()
            .filter(kind=owner.kind)
            .exclude(pk=owner.pk)
            .order_by("name")
        )


class UnitForm(ConflictCheckedForm):
    conflict_noun = "unit"

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind"]
        labels = {"kind": "What it is"}

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
