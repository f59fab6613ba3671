"""Reference rows that migrations load, put back for tests that fill forms offering them."""

from __future__ import annotations


def reference_data_load() -> None:
    """The CSE criteria (standards app), when it is installed.

    A data migration loads them, but transactional tests elsewhere in the suite empty every
    table, so a form offering sub-criteria could otherwise meet none, depending on test order.
    """
    try:
        from standards.cse.reference import cse_reference_load
    except ImportError:
        return
    cse_reference_load()
