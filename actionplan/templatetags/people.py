"""`{{ user|person }}`: a person named the one way used everywhere (actionplan.personnames)."""

from __future__ import annotations

from django import template

from actionplan.personnames import person_name

register = template.Library()


@register.filter
def person(user, fallback: str = "") -> str:
    return person_name(user, fallback=fallback)
