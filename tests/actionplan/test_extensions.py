"""Satellite apps' report sections, registered with the core (actionplan.extensions)."""

import pytest

from actionplan import extensions


@pytest.fixture
def no_sections(monkeypatch):
    """The registry without the installed apps' sections; put back after the test."""
    monkeypatch.setattr(extensions, "_report_sections", [])


def test_a_report_section_needs_a_slot_the_report_has(no_sections):
    with pytest.raises(ValueError, match="The report has no slot called 'footer'"):
        extensions.register_report_section("footer", "x", "x.html", lambda **report: 1)


def test_sections_are_built_in_the_order_registered_and_empty_ones_left_out(no_sections):
    after, before = extensions.REPORT_AFTER_THEMES, extensions.REPORT_BEFORE_THEMES
    extensions.register_report_section(after, "first", "first.html", lambda **r: r["today"])
    extensions.register_report_section(before, "empty", "empty.html", lambda **r: None)
    extensions.register_report_section(before, "second", "second.html", lambda **r: "two")

    sections = extensions.report_sections(plan=None, moment=None, today="day", actions={})

    assert [(s.slot, s.name, s.template, s.content) for s in sections] == [
        (after, "first", "first.html", "day"),
        (before, "second", "second.html", "two"),
    ]


def test_registering_a_section_again_replaces_it_in_its_place(no_sections):
    slot = extensions.REPORT_BEFORE_THEMES
    extensions.register_report_section(slot, "a", "a.html", lambda **r: "old")
    extensions.register_report_section(slot, "b", "b.html", lambda **r: "b")
    extensions.register_report_section(slot, "a", "a.html", lambda **r: "new")

    sections = extensions.report_sections(plan=None, moment=None, today=None, actions={})

    assert [(s.name, s.content) for s in sections] == [("a", "new"), ("b", "b")]


def test_the_installed_apps_register_standards_before_consultation():
    assert [(m.slot, m.name) for m in extensions._report_sections] == [
        (extensions.REPORT_BEFORE_THEMES, "standards"),
        (extensions.REPORT_AFTER_THEMES, "consultation"),
    ]
