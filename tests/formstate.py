"""What an edit form carries about the row it started from (actionplan.conflicts), for tests that
post forms without loading the page first."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.db import models

from actionplan.conflicts import base_of, sign_loaded


def loaded(obj: models.Model, fields: Iterable[str]) -> str:
    """The `loaded` value an edit form of `fields` shows for `obj` as it is now."""
    return sign_loaded(obj, base_of(obj, fields))


def loaded_on_page(page: str) -> str:
    """The `loaded` value in a page's form (after a refused save it starts from theirs)."""
    found = re.search(r'name="loaded" value="([^"]*)"', page)
    assert found, "the page has no edit form carrying what it was loaded with"
    return html.unescape(found.group(1))
