"""CSV upload of figures: every row checked, row-level errors, nothing written unless all valid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards import csv_import
from standards.models import PerformanceValue
from tests.conftest import home_council
from tests.standards.performance.conftest import add_value

HEADER = "standard,period,value,numerator,denominator,site,note\n"


def _upload(client, text: str, publish: bool = False):
    upload = SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")
    data = {"file": upload}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("performance_upload", args=["test-council"]), data)


def test_a_valid_file_saves_every_row(client, steering_member, standards):
    client.force_login(steering_member)
    response = _upload(
        client,
        HEADER
        + "T1,2026-10,,915,1000,,\n"
        + "T1,September 2026,88.5,,,,Storms\n"
        + "C1,Oct 2026,9,,,Housing,\n",
        publish=True,
    )
    assert response.status_code == 302
    rows = PerformanceValue.objects.order_by("period_start", "site")
    assert [(r.standard.reference, str(r.period), r.value, r.site) for r in rows] == [
        ("T1", "September 2026", Decimal("88.50"), ""),
        ("T1", "October 2026", Decimal("91.50"), ""),
        ("C1", "October 2026", Decimal(9), "Housing"),
    ]
    assert all(r.published for r in rows)
    page = client.get(response["Location"]).content.decode()
    assert "3 figures read from the file: 3 added." in page


def test_row_errors_are_listed_and_nothing_is_written(client, steering_member, standards):
    client.force_login(steering_member)
    text = _upload(
        client,
        HEADER
        + "T1,2026-10,91,,,,\n"  # row 2 fine
        + "T9,2026-10,91,,,,\n"  # row 3
        + "T1,2026-13,91,,,,\n"  # row 4
        + "C1,2026-10,ten,,,,\n"  # row 5
        + "T1,2026-09,80,900,1000,,\n"  # row 6
        + "T1,2026-10,92,,,,\n"  # row 7 repeats row 2
        + "C1,2026-09,,5,10,,\n",  # row 8: numerator for working days
    ).content.decode()
    assert "There is a problem" in text
    for message in (
        "Row 3: no standard T9.",
        "Row 4: &#x27;2026-13&#x27; is not a month",
        "Row 5: The value is not a number.",
        "Row 6: The value 80% does not match 900 out of 1000 (90.00%)",
        "Row 7: repeats row 2.",
        "Row 8: Give a numerator and denominator only for a percentage.",
        "nothing was saved",
    ):
        assert message in text, message
    assert not PerformanceValue.objects.exists()


def test_a_period_when_the_standard_was_not_in_force_is_refused(client, steering_member, standards):
    t1 = standards["T1"]
    t1.effective_from = date(2026, 1, 1)
    t1.save()
    client.force_login(steering_member)
    text = _upload(client, HEADER + "T1,2025-12,91,,,,\n").content.decode()
    assert "Row 2: T1 was not in force in December 2025" in text
    assert not PerformanceValue.objects.exists()


def test_uploading_again_replaces_figures_with_history(client, steering_member, standards):
    old = add_value(standards["T1"], "2026-10", "85")
    client.force_login(steering_member)
    _upload(client, HEADER + "T1,2026-10,87,,,,\n")
    old.refresh_from_db()
    assert old.value == Decimal(87) and old.history.count() == 2


def test_missing_columns_and_empty_files_are_explained(client, steering_member, standards):
    client.force_login(steering_member)
    assert "The first row must name the columns" in _upload(client, "a,b\n1,2\n").content.decode()
    assert "The file has no rows of figures." in _upload(client, HEADER).content.decode()


def test_size_and_row_caps(settings, standards):
    council = home_council()
    big = csv_import.read_csv(b"x" * (csv_import.MAX_BYTES + 1), organisation=council)
    assert big.errors == ["The file is larger than 1024 KB. Split it."]
    rows = (HEADER + "T1,2026-10,1,,,,\n" * (csv_import.MAX_ROWS + 1)).encode()
    many = csv_import.read_csv(rows, organisation=council)
    assert "the most is 5000" in many.errors[0] and not many.figures


def test_viewer_cannot_upload(client, viewer, standards):
    client.force_login(viewer)
    assert _upload(client, HEADER + "T1,2026-10,91,,,,\n").status_code == 403
    assert not PerformanceValue.objects.exists()


def test_the_template_lists_standards_due_and_uploads_back_once_filled(
    client, steering_member, standards
):
    client.force_login(steering_member)
    response = client.get(
        reverse("performance_template", args=["test-council"]) + "?period=2026-10"
    )
    assert response["Content-Disposition"] == 'attachment; filename="figures-2026-10.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == HEADER.strip()
    assert sorted(lines[1:]) == ["C1,October 2026,,,,,", "T1,October 2026,,,,,"]
    filled = "\n".join([lines[0], "C1,October 2026,9,,,,", "T1,October 2026,,9,10,,"])
    assert _upload(client, filled).status_code == 302
    assert PerformanceValue.objects.count() == 2
