"""Forms for organisations, invitations, roles and single sign-on settings."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify

from accounts.models import SignInProvider
from actionplan.forms import ConflictCheckedForm
from actionplan.models import Organisation, Owner, OwnerKind, Plan
from actionplan.organisations import OrganisationRole, PlanRole

NO_PLAN_ROLE = ""


class OrganisationAddForm(forms.ModelForm):
    administrator_name = forms.CharField(label="Administrator's name", max_length=200)
    administrator_email = forms.EmailField(
        label="Administrator's e-mail address",
        help_text="They are e-mailed a link to set their password, valid for 7 days.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "slug", "short_name", "committees"]
        labels = {"slug": "Address"}
        help_texts = {"slug": "Used in web addresses. Leave it blank to make it from the name."}
        widgets = {"committees": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            slug = slugify(cleaned["name"])[:80]
            if Organisation.objects.filter(slug=slug).exists():
                self.add_error("slug", "Another organisation has this address: choose one.")
            cleaned["slug"] = slug
        return cleaned


class RolesForm(forms.Form):
    """A role across the organisation, and a role in each of its plans."""

    organisation_role = forms.ChoiceField(
        label="Role across the organisation",
        choices=OrganisationRole.choices,
        initial=OrganisationRole.MEMBER,
        widget=forms.RadioSelect,
        help_text="A role here applies to every plan; in a plan the higher role wins.",
    )
    # The roles as the form showed them, signed (accounts.services.sign_roles): a save checks
    # that nobody changed them meanwhile.
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plans = list(Plan.objects.in_organisation(organisation).order_by("title"))
        for plan in self.plans:
            self.fields[f"plan_{plan.pk}"] = forms.ChoiceField(
                label=f"Role in {plan}",
                choices=[(NO_PLAN_ROLE, "None of its own"), *PlanRole.choices],
                required=False,
            )

    def plan_roles(self) -> dict[Plan, str | None]:
        return {plan: self.cleaned_data.get(f"plan_{plan.pk}") or None for plan in self.plans}

    def display(self, name: str, value: str) -> str:
        """A role as the form names it ("None of its own" for no plan role)."""
        return dict(self.fields[name].choices).get(value or NO_PLAN_ROLE, value)


class InviteForm(RolesForm):
    email = forms.EmailField(label="E-mail address")
    name = forms.CharField(label="Name", max_length=200)
    owner = forms.ModelChoiceField(
        label="Their owner record",
        queryset=Owner.objects.none(),
        required=False,
        help_text="Links the login to the actions this person owns.",
    )

    loaded = None  # a new login has no roles to compare
    field_order = ["name", "email", "owner", "organisation_role"]

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["owner"].queryset = (
            Owner.objects.in_organisation(organisation)
            .active()
            .filter(kind=OwnerKind.PERSON, user__isnull=True)
            .order_by("name")
        )
        self.order_fields(self.field_order)


class SignInProviderForm(ConflictCheckedForm):
    """An organisation's single sign-on settings. The client secret is not compared: a new one
    typed replaces whatever is stored, and a blank one keeps it."""

    conflict_noun = "organisation's single sign-on settings"
    secret_fields = ("client_secret",)

    class Meta:
        model = SignInProvider
        fields = [
            "issuer",
            "client_id",
            "client_secret",
            "allowed_domains",
            "anyone_from_domains_joins",
            "is_enabled",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if self.instance.pk:
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = "Leave it blank to keep the current one."

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        return secret or (self.instance.client_secret if self.instance.pk else secret)

    def clean_allowed_domains(self):
        domains = [
            d.strip().lower().lstrip("@")
            for d in self.cleaned_data["allowed_domains"].split(",")
            if d.strip()
        ]
        if not domains:
            raise forms.ValidationError("Enter at least one e-mail domain, e.g. scambs.gov.uk.")
        for domain in domains:
            if "." not in domain or " " in domain:
                raise forms.ValidationError(f"“{domain}” is not an e-mail domain.")
        return ", ".join(domains)
