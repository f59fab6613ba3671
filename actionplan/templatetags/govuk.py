"""Presentation helpers for GOV.UK markup: widget classes, status and RAG tags."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.text import Truncator

register = template.Library()

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.NumberInput: "govuk-input govuk-input--width-4",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.FileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input govuk-!-width-one-half",
    forms.EmailInput: "govuk-input govuk-!-width-two-thirds",
    forms.TextInput: "govuk-input",
}

# Tag colours: the words carry the meaning; colour only repeats it.
STATUS_COLOURS = {
    "not_started": "grey",
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "completed": "blue",
    "suspended": "purple",
    "deleted": "grey",
}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green", "": "grey"}


def _widget_class(widget: forms.Widget) -> str:
    for widget_type, css in _WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css
    return ""


@register.filter
def govuk_widget(field: BoundField) -> str:
    """Render the widget with GOV.UK classes and aria-describedby for its hint and error."""
    css = _widget_class(field.field.widget)
    if field.errors and css:
        base = css.split()[0]
        css = f"{css} {base}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"class": " ".join(filter(None, [field.field.widget.attrs.get("class"), css]))}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def shorten(value: str, length: int) -> str:
    """truncatechars with its English ellipsis given, so no translation is looked up per call
    (most of the cost of a plan browser row): the same cut and the same text."""
    return Truncator(value).chars(length, truncate="…")


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    return "input"


@register.simple_tag
def status_tag(value: str, label: str) -> str:
    colour = STATUS_COLOURS.get(value, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def rag_tag(value: str, label: str) -> str:
    colour = RAG_COLOURS.get(value, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
