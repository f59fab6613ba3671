"""Word documents are untrusted files too: the same checks as workbooks before the document's
XML is parsed; .doc and .docm are refused with a message saying to save as .docx."""

from __future__ import annotations

import pytest

from actionplan.importing import wordtables
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import OLE_SIGNATURE, ImportRefused, Limits
from tests.actionplan.import_files import docx
from tests.actionplan.test_import_safety import rezipped

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000)
GOOD = docx([{"rows": [["Ref", "Action", "Owner"], ["1", "Do it", "RF"]]}])


def refused(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_upload(name, data, limits)
    return caught.value.message


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if the document's XML is ever opened for reading."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the file reached the XML parser")

    monkeypatch.setattr(wordtables, "_document_xml", forbidden)


def test_a_good_word_table_is_read():
    (sheet,) = read_upload("plan.docx", GOOD, LIMITS).sheets
    assert sheet.rows[0].values == {"reference": "1", "description": "Do it", "owners": "RF"}


def test_an_old_word_document_is_refused_with_save_as_docx(no_parsing):
    message = refused("plan.doc", OLE_SIGNATURE + b"\x00" * 600)
    assert "old-style Word document (.doc)" in message and "(.docx)" in message


def test_a_macro_enabled_word_document_is_refused_by_its_name(no_parsing):
    assert "save it as a Word document (.docx)" in refused("plan.docm", GOOD)


def test_a_word_document_carrying_macros_is_refused(no_parsing):
    data = rezipped(GOOD, extra={"word/vbaProject.bin": b"\x00" * 100})
    assert "contains macros" in refused("plan.docx", data)


def test_a_word_document_with_entity_declarations_is_refused(no_parsing):
    bomb = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><w:document/>'
    data = rezipped(GOOD, extra={"word/document.xml": bomb})
    assert "XML entity declarations" in refused("plan.docx", data)


def test_a_zip_bomb_named_docx_is_refused_unopened(no_parsing):
    data = rezipped(GOOD, extra={"word/media/filler.bin": b"\x00" * (30 * 1024 * 1024)})
    assert "unpacks to far more data" in refused("plan.docx", data)


def test_a_word_document_over_the_size_limit_is_refused(no_parsing):
    small = Limits(max_bytes=1024, max_rows=50_000)
    assert "cannot be imported" in refused("plan.docx", GOOD, small)


def test_a_zip_without_a_document_part_is_not_a_word_document(no_parsing):
    data = rezipped(GOOD, drop="word/document.xml")
    assert "not a Word document (.docx)" in refused("plan.docx", data)


def test_a_word_table_with_more_rows_than_the_limit_is_refused():
    rows = [["Action", "Owner"]] + [[f"Task {n}", "RF"] for n in range(30)]
    few = Limits(max_bytes=10 * 1024 * 1024, max_rows=10)
    assert "more than 10 rows" in refused("plan.docx", docx([{"rows": rows}]), few)


def test_a_document_without_tables_says_plans_are_read_from_tables():
    message = refused("notes.docx", docx([]))
    assert "heading row" in message


def test_cell_text_is_read_as_python_docx_reads_it():
    import io

    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    table = document.add_table(rows=2, cols=3)
    for cell, heading in zip(table.rows[0].cells, ("Ref", "Action", "Owner"), strict=True):
        cell.text = heading
    action = table.rows[1].cells[1].paragraphs[0]
    action.add_run("Map the ")
    action.add_run("journeys").add_break(WD_BREAK.LINE)
    action.add_run("then\tpublish")
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[2].text = "RF"
    buffer = io.BytesIO()
    document.save(buffer)
    (sheet,) = read_upload("plan.docx", buffer.getvalue(), LIMITS).sheets
    assert sheet.rows[0].values["description"] == table.rows[1].cells[1].text.strip()
    assert sheet.rows[0].values["description"] == "Map the journeys\nthen\tpublish"


def test_a_word_plan_is_parsed_once_for_its_checks_and_once_for_its_rows(monkeypatch):
    opened = []
    document_xml = wordtables._document_xml

    def counted(data: bytes):
        opened.append(1)
        return document_xml(data)

    monkeypatch.setattr(wordtables, "_document_xml", counted)
    heading, more = [["Ref", "Action", "Owner"], ["1", "Do it", "RF"]], [["2", "Then", "AB"]]
    data = docx([{"rows": heading}, {"rows": more}])  # one table broken across pages
    (sheet,) = read_upload("plan.docx", data, LIMITS).sheets
    assert (sheet.name, sheet.count, len(opened)) == ("Table 1–2", 2, 1)
    assert [row.values["description"] for row in sheet.iter_rows()] == ["Do it", "Then"]
    assert len(opened) == 2


def test_a_cell_too_long_in_a_table_continuing_another_is_refused_by_the_joined_table_row():
    heading, more = [["Ref", "Action", "Owner"], ["1", "Do it", "RF"]], [["2", "y" * 40_000, "AB"]]
    message = refused("plan.docx", docx([{"rows": heading}, {"rows": more}]))
    assert message.startswith("Sheet “Table 1–2” row 3 has a cell longer than")
