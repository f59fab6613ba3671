"""The import result's headline holds at zero, one and many."""

from __future__ import annotations

import pytest

from actionplan.importing.apply import ImportResult


@pytest.mark.parametrize(
    ("created", "changed", "progress", "said"),
    [
        (0, 0, 0, "Nothing was new or changed"),
        (1, 0, 0, "1 new action"),
        (0, 1, 0, "1 changed action"),
        (0, 0, 1, "1 new progress update"),
        (2, 3, 0, "2 new actions and 3 changed actions"),
        (3, 1, 7, "3 new actions, 1 changed action and 7 new progress updates"),
    ],
)
def test_the_headline_names_only_what_was_written_in_the_right_number(
    created, changed, progress, said
):
    result = ImportResult(preview=None, created=created, changed=changed)
    result.progress_recorded = progress
    assert result.headline() == said
