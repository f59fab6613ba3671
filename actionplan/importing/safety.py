"""Checks on an uploaded spreadsheet before anything parses it: the file is untrusted.

Order matters. The cheap checks (size, signature, the zip's own directory) run before openpyxl
sees a byte, so a zip bomb or a CPU bomb (a small workbook with a huge XML comment, which
defusedxml does not stop) is refused by its declared sizes and compression ratio, never
decompressed. Python's zipfile never inflates a member past its declared size, so the
declared sizes are a real bound. Only then is the workbook opened, read-only, values only,
without external links; its dimensions and rows are checked as they are read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx, old .xls, .doc
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_MEMBERS = 500
MAX_RATIO = 100  # uncompressed / compressed, per member and in total
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767  # Excel's own limit on a cell
MAX_TOKEN = 256 * 1024  # bytes between two "<": a full cell of escaped text fits
_MARKUP_RE = re.compile(rb"<!|<\?|[^<]{%d,}" % MAX_TOKEN)
# The parts are scanned this much at a time (a run with no "<" is carried over until it
# reaches MAX_TOKEN): 1 MiB chunks, three copies alive, were most of a 5,000-row preview's
# peak (docs/import.md, Speed).
SCAN_BYTES = 64 * 1024
MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml", "activex", "macrosheets")


class ImportRefused(Exception):
    """The file cannot be imported; the message says why in words the uploader understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int

    @property
    def max_uncompressed(self) -> int:
        """What a workbook within max_bytes may unpack to: generous for real sheets."""
        return 20 * self.max_bytes

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(settings.ACTIONPLAN_IMPORT_MAX_BYTES, settings.ACTIONPLAN_IMPORT_MAX_ROWS)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def file_kind(name: str, data: bytes, limits: Limits) -> str:
    """ "xlsx", "docx" or "csv", after the checks that need no parsing; ImportRefused otherwise."""
    if not data:
        raise ImportRefused("The file is empty.")
    if len(data) > limits.max_bytes:
        raise ImportRefused(
            f"The file is {_megabytes(len(data))}: files over {_megabytes(limits.max_bytes)} "
            "cannot be imported. Split the plan into smaller files."
        )
    lower = name.lower()
    word = lower.endswith((".doc", ".docx", ".docm", ".dot", ".dotx", ".dotm", ".rtf"))
    if data.startswith(OLE_SIGNATURE) and word:
        raise ImportRefused(
            "The file is an old-style Word document (.doc) or password-protected. Open it in "
            "Word, remove any password and save it as a Word document (.docx), then upload "
            "that."
        )
    if data.startswith(OLE_SIGNATURE):
        raise ImportRefused(
            "The file is password-protected (encrypted) or an old-style .xls workbook. "
            "Remove the password, or save it as an Excel workbook (.xlsx), and upload it again."
        )
    if lower.endswith((".docm", ".dotm")):
        raise ImportRefused(
            "Macro-enabled Word documents cannot be imported: save it as a Word document "
            "(.docx) without macros."
        )
    if lower.endswith((".xlsm", ".xltm", ".xlsb", ".xlam")):
        raise ImportRefused(
            "Macro-enabled and binary workbooks cannot be imported: save it as an Excel "
            "workbook (.xlsx) without macros."
        )
    if data.startswith(ZIP_SIGNATURE):
        return "docx" if word else "xlsx"
    if word:
        raise ImportRefused(
            "The file is not a Word document this system can read: save it as a Word "
            "document (.docx) and upload it again."
        )
    if lower.endswith((".xlsx", ".xls")):
        raise ImportRefused("The file is not a readable Excel workbook: it may be damaged.")
    return "csv"


MAIN_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}
NOUN = {"xlsx": "workbook", "docx": "document"}
READABLE = {"xlsx": "a readable Excel workbook", "docx": "a readable Word document"}
FORMAT = {"xlsx": "an Excel workbook (.xlsx)", "docx": "a Word document (.docx)"}


def check_zip(data: bytes, limits: Limits, kind: str = "xlsx") -> None:
    """Refuse archives that would unpack too far, carry macros or are not workbooks (or Word
    documents, for `kind` "docx")."""
    noun, form = NOUN[kind], FORMAT[kind]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ImportRefused(f"The file is not {READABLE[kind]}: it may be damaged.") from error
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(f"The {noun} has too many parts to be a plan: it cannot be imported.")
    names = {m.filename.lower() for m in members}
    if any(marker in name for name in names for marker in MACRO_MARKERS):
        raise ImportRefused(
            f"The {noun} contains macros, which are never imported: save it as {form} "
            "without macros and upload it again."
        )
    if "[content_types].xml" not in names or MAIN_PART[kind] not in names:
        raise ImportRefused(f"The file is not {form}: it cannot be imported.")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    too_big = total > limits.max_uncompressed
    too_dense = any(
        m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ) or (total > RATIO_FLOOR and total > MAX_RATIO * packed)
    if too_big or too_dense:
        raise ImportRefused(
            f"The {noun} unpacks to far more data than a plan holds (a compressed-file bomb "
            "or a damaged file), so it was not opened."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise ImportRefused(f"The {noun} is encrypted: remove the password and upload it again.")
    _check_xml_markup(archive, members)
    content_types = _read_member(archive, "[Content_Types].xml").lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise ImportRefused(
            f"The {noun} is macro-enabled, and macros are never imported: save it as {form} "
            "without macros."
        )


# What zipfile raises for a member it cannot read: a damaged archive (BadZipFile, OSError,
# EOFError), an encrypted member (RuntimeError) or a compression method it does not support
# (NotImplementedError, zipfile's own refusal, not unfinished code).
UNREADABLE_MEMBER = (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError)


@contextmanager
def _opened(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
    """The member as a stream; a member zipfile cannot read is refused with one message."""
    try:
        with archive.open(member) as stream:
            yield stream
    except UNREADABLE_MEMBER as error:
        raise ImportRefused(
            "The file is not a readable Excel workbook: it may be damaged or encrypted."
        ) from error


def _read_member(archive: zipfile.ZipFile, name: str, size: int = -1) -> bytes:
    info = next(m for m in archive.infolist() if m.filename.lower() == name.lower())
    with _opened(archive, info) as member:
        return member.read(size)


def _check_xml_markup(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse XML that real workbooks never contain and that makes parsers slow or unsafe.

    Excel, LibreOffice and openpyxl write no DTDs, comments, CDATA sections or processing
    instructions (other than the XML declaration). A DTD brings entity bombs; and the XML
    parser takes time that grows with the square of one token's length (a 20 MB comment took
    50 s here, STACK.md's 200 MB one 13 minutes), so no run between two "<" may be longer
    than any cell could need. The parts are streamed through once; nothing is kept.
    """
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        with _opened(archive, member) as stream:
            _scan_markup(stream)


def _scan_markup(stream: io.BufferedIOBase) -> None:
    carried, first = b"", True
    while chunk := stream.read(SCAN_BYTES):
        data = carried + chunk
        for match in _MARKUP_RE.finditer(data):
            token = match.group()
            if token == b"<?" and first and match.start() <= 3:  # the XML declaration
                continue
            if token.startswith(b"<!"):
                dtd = (
                    data[match.start() : match.start() + 9]
                    .upper()
                    .startswith((b"<!DOCTYPE", b"<!ENTITY"))
                )
                kind = "XML entity declarations (a DTD)" if dtd else "XML comments or CDATA"
                raise ImportRefused(
                    f"The workbook contains {kind}, which real spreadsheets never have: it was "
                    "not opened."
                )
            if token == b"<?":
                raise ImportRefused(
                    "The workbook contains XML processing instructions, which real "
                    "spreadsheets never have: it was not opened."
                )
            raise ImportRefused(
                "The workbook holds a single piece of text far longer than a spreadsheet "
                "cell can hold (a parser bomb or a damaged file): it was not opened."
            )
        first = False
        cut = data.rfind(b"<")
        carried = data[cut:] if cut >= 0 else data


def decode_csv(data: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if b"\x00" in data:
        raise ImportRefused("The file is not a CSV or Excel file: it contains binary data.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "The CSV file's text encoding was not recognised: save it as “CSV UTF-8” and "
            "upload it again."
        ) from error


def csv_rows(text: str, limits: Limits) -> list[list[str]]:
    """The CSV's rows, refusing over-long cells and too many rows."""
    rows: list[list[str]] = []
    first_line = text[:4096].split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel in some locales writes ";"
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= limits.max_rows + 1:  # the heading row and the data rows
                raise too_many_rows(limits)
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as error:
        raise ImportRefused(
            f"The CSV file could not be read ({error}): check it is a plain CSV file."
        ) from error
    return rows


def too_many_rows(limits: Limits) -> ImportRefused:
    return ImportRefused(
        f"The file has more than {limits.max_rows:,} rows, the most one import takes. Split "
        "it into smaller files."
    )
