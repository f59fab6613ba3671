"""Hostile and broken files are refused by the cheap checks, with a clear message, unchanged plan.

Each test builds its file. Refusals are pinned by what refused them (the zip's directory,
the signature, the row count), not by a stopwatch.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from actionplan.importing import reader, safety
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from tests.actionplan.import_files import xlsx

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000)
GOOD = xlsx({"Plan": [["Ref", "Action", "Owner"], ["1", "Do it", "RF"]]})


def refused(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_upload(name, data, limits)
    return caught.value.message


def rezipped(data: bytes, extra: dict[str, bytes] | None = None, drop: str = "", **edits) -> bytes:
    """The workbook's zip with members added, replaced or dropped."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == drop:
                continue
            body = source.read(item.filename)
            for old, new in edits.get(item.filename, []):
                body = body.replace(old, new)
            target.writestr(item.filename, (extra or {}).pop(item.filename, body))
        for name, body in (extra or {}).items():
            target.writestr(name, body)
    return out.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl is ever asked to open the file."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the file reached openpyxl")

    monkeypatch.setattr(reader, "load_workbook", forbidden)


def test_a_good_workbook_is_read():
    (sheet,) = read_upload("plan.xlsx", GOOD, LIMITS).sheets
    assert sheet.rows[0].values == {"reference": "1", "description": "Do it", "owners": "RF"}


def test_a_file_over_the_size_limit_is_refused_unread(no_parsing):
    message = refused("plan.xlsx", GOOD, Limits(max_bytes=len(GOOD) - 1, max_rows=10))
    assert "cannot be imported" in message


def test_an_empty_file_is_refused():
    assert refused("plan.csv", b"") == "The file is empty."


def test_an_encrypted_workbook_is_refused_by_its_signature(no_parsing):
    # Excel saves a password-protected .xlsx as an OLE compound file.
    data = safety.OLE_SIGNATURE + b"\x00" * 4096
    assert "password-protected" in refused("secret.xlsx", data)


def test_a_workbook_with_macros_is_refused(no_parsing):
    data = rezipped(GOOD, extra={"xl/vbaProject.bin": b"\x00" * 100})
    assert "macros" in refused("plan.xlsx", data)


def test_a_macro_enabled_content_type_is_refused(no_parsing):
    data = rezipped(
        GOOD,
        **{
            "[Content_Types].xml": [
                (
                    b"spreadsheetml.sheet.main+xml",
                    b"sheet.macroEnabled.main+xml",
                )
            ]
        },
    )
    assert "macro" in refused("plan.xlsx", data)


def test_an_xlsm_file_is_refused_by_name(no_parsing):
    assert "Macro-enabled" in refused("plan.xlsm", GOOD)


def test_a_corrupt_workbook_is_refused(no_parsing):
    assert "damaged" in refused("plan.xlsx", GOOD[: len(GOOD) // 2])


def test_a_zip_that_is_not_a_workbook_is_refused(no_parsing):
    data = rezipped(GOOD, drop="xl/workbook.xml")
    assert "not an Excel workbook" in refused("plan.xlsx", data)


def test_a_zip_bomb_is_refused_from_the_zips_directory(no_parsing):
    data = rezipped(GOOD, extra={"xl/media/padding.bin": b"\x00" * (30 * 1024 * 1024)})
    assert "bomb" in refused("plan.xlsx", data)


def test_the_cpu_bomb_a_small_workbook_with_a_huge_xml_comment_is_refused_unparsed(no_parsing):
    # STACK.md: a 626 KiB workbook with a 200 MB XML comment kept openpyxl busy for 13 minutes.
    comment = b"<!--" + b"x" * (60 * 1024 * 1024) + b"-->"
    data = rezipped(
        GOOD, **{"xl/worksheets/sheet1.xml": [(b"<sheetData>", comment + b"<sheetData>")]}
    )
    assert len(data) < 1024 * 1024
    assert "bomb" in refused("plan.xlsx", data)


def test_an_xml_entity_bomb_is_refused(no_parsing):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = rezipped(GOOD, **{"xl/workbook.xml": [(b"<workbook", laughs[21:] + b"<workbook")]})
    assert "entity" in refused("plan.xlsx", data)


def test_an_xml_comment_anywhere_in_a_part_is_refused(no_parsing):
    # Parsing time grows with the square of a comment's length (a 20 MB one took 50 s).
    comment = b"<!-- " + b"a < b " * 20_000 + b"-->"
    data = rezipped(
        GOOD, **{"xl/worksheets/sheet1.xml": [(b"<sheetData>", comment + b"<sheetData>")]}
    )
    assert "comments or CDATA" in refused("plan.xlsx", data)


def test_one_text_longer_than_any_cell_is_refused_even_when_it_compresses_badly(no_parsing):
    # Random letters compress about 1.7 times, so no ratio check stops this one.
    import random

    text = "".join(random.Random(1).choices("abcdefghijklmnopqrstuvwxyz", k=600_000)).encode()
    data = rezipped(
        GOOD, **{"xl/worksheets/sheet1.xml": [(b"<sheetData>", b"<x>" + text + b"</x><sheetData>")]}
    )
    assert "far longer than a spreadsheet cell" in refused("plan.xlsx", data)


def test_a_full_cell_of_text_that_needs_escaping_is_still_read():
    data = xlsx({"Plan": [["Ref", "Action"], ["1", "&<" * 16_383]]})
    (sheet,) = read_upload("plan.xlsx", data, LIMITS).sheets
    assert sheet.rows[0].values["description"] == "&<" * 16_383


def test_a_processing_instruction_is_refused(no_parsing):
    data = rezipped(GOOD, **{"xl/workbook.xml": [(b"<workbook", b"<?evil x?><workbook")]})
    assert "processing instructions" in refused("plan.xlsx", data)


def test_a_sheet_claiming_more_rows_than_the_limit_is_refused_before_reading_rows(monkeypatch):
    rows = [["Ref", "Action"], *[[str(n), f"Action {n}"] for n in range(100)]]
    data = xlsx({"Plan": rows})
    monkeypatch.setattr(reader, "sheet_from_rows", None)  # never reached: the dimension says
    assert "more than 50 rows" in refused("plan.xlsx", data, Limits(10**7, 50))


def test_rows_beyond_the_limit_are_refused_as_they_are_read():
    rows = [["Ref", "Action"], *[[str(n), f"Action {n}"] for n in range(51)]]
    data = xlsx({"Plan": rows})
    assert "more than 50 rows" in refused("plan.xlsx", data, Limits(10**7, 50))
    assert read_upload("plan.xlsx", data, Limits(10**7, 51)).row_count == 51


def test_a_csv_with_too_many_rows_is_refused():
    data = b"Ref,Action\n" + b"".join(b"%d,Do %d\n" % (n, n) for n in range(60))
    assert "more than 50 rows" in refused("plan.csv", data, Limits(10**7, 50))


def test_a_csv_with_a_cell_longer_than_any_spreadsheet_cell_is_refused():
    data = b'Ref,Action\n1,"' + b"x" * 200_000 + b'"\n'
    assert "could not be read" in refused("plan.csv", data)


def test_a_binary_file_posing_as_csv_is_refused():
    assert "binary data" in refused("plan.csv", b"Ref,Action\x00\x01\x02")


def test_a_windows_1252_csv_is_read_and_a_utf8_one_with_a_bom_too():
    cp1252 = "Ref,Action,Owner\n1,Caf\u00e9 opening \u2013 phase 1,RF\n".encode("cp1252")
    utf8 = "\ufeffRef,Action,Owner\n1,Caf\u00e9 opening,RF\n".encode()
    assert read_upload("a.csv", cp1252, LIMITS).sheets[0].rows[0].values["description"] == (
        "Caf\u00e9 opening \u2013 phase 1"
    )
    assert read_upload("b.csv", utf8, LIMITS).sheets[0].columns["reference"] == "Ref"


def test_a_file_with_no_plan_heading_row_is_refused_with_what_to_add():
    data = xlsx({"Notes": [["Hello"], ["World"]]})
    assert "“Action”" in refused("notes.xlsx", data)
