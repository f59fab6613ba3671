"""Presentation helpers for GOV.UK markup: widget classes, status and RAG tags."""

from __future__ import annotations

import html

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import mark_safe
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


def tag_html(colours: dict[str, str], value: str, label: str) -> str:
    """A status or RAG tag's markup, the label escaped (for templates and Python-written rows)."""
    colour = colours.get(value, "grey")
    return f'<strong class="govuk-tag govuk-tag--{colour}">{html.escape(str(label))}</strong>'


@register.simple_tag
def status_tag(value: str, label: str) -> str:
    return mark_safe(tag_html(STATUS_COLOURS, value, label))  # the label escaped above


@register.simple_tag
def rag_tag(value: str, label: str) -> str:
    return mark_safe(tag_html(RAG_COLOURS, value, label))  # the label escaped above
