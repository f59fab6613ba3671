"""Where the text of a PDF sits on its pages, read with poppler's `pdftotext -bbox`, to test the
committee papers' page layout as a clerk would look at it: no heading left at the foot of a page,
no page left mostly blank except the last of a section."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

# A4 in points, and print.css's page margins (22 mm top, 20 mm bottom).
MM = 72 / 25.4
TOP = 22 * MM
BOTTOM_MARGIN = 20 * MM
# Word heights (font size × ~1.17): h2 is 16 pt, h3 12.5 pt; body text 10 pt, tables 8.5 pt.
H2_HEIGHT = 17.5
HEADING_HEIGHT = 13.5
LINES_AFTER_A_HEADING = 3  # a table's caption, its header row and a first row


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    height: float
    text: str

    @property
    def is_heading(self) -> bool:
        return self.height >= HEADING_HEIGHT

    @property
    def is_section_heading(self) -> bool:
        return self.height >= H2_HEIGHT


@dataclass(frozen=True)
class Page:
    number: int
    height: float
    lines: list[Line]  # the body's lines, top to bottom (running header and footer left out)

    @property
    def fill(self) -> float:
        """How far down the page's body the text reaches, 0 to 1."""
        if not self.lines:
            return 0.0
        body = self.height - TOP - BOTTOM_MARGIN
        return (self.lines[-1].bottom - TOP) / body


def read_pages(pdf: bytes) -> list[Page]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper.pdf"
        path.write_bytes(pdf)
        xml = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True
        ).stdout
    root = ElementTree.fromstring(xml)
    pages = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        height = float(page.get("height"))
        rows: dict[float, list] = {}
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            top, bottom = float(word.get("yMin")), float(word.get("yMax"))
            if top < TOP - 4 or bottom > height - BOTTOM_MARGIN + 4:
                continue  # the running header and footer
            rows.setdefault(round(top, 1), []).append((bottom - top, bottom, word.text or ""))
        lines = [
            Line(
                top=top,
                bottom=max(w[1] for w in words),
                height=max(w[0] for w in words),
                text=" ".join(w[2] for w in words),
            )
            for top, words in sorted(rows.items())
        ]
        pages.append(Page(number=number, height=height, lines=lines))
    return pages


def headings_at_the_foot(pages: list[Page]) -> list[str]:
    """Headings whose content runs on to the next page with fewer lines than a table needs to
    start (a caption, its header row and a first row) left beside them."""
    found = []
    for page, following in zip(pages[1:], pages[2:], strict=False):  # the cover stands alone
        continues = bool(following.lines) and not following.lines[0].is_heading
        for index, line in enumerate(page.lines):
            after = page.lines[index + 1 :]
            if not line.is_heading or any(other.is_heading for other in after):
                continue
            if not after or (continues and len(after) < LINES_AFTER_A_HEADING):
                found.append(f"page {page.number}: “{line.text}”")
    return found


def mostly_blank_pages(pages: list[Page], *, least: float = 0.25) -> list[str]:
    """Pages less than `least` full that are not the last page of a section (or of the paper)."""
    found = []
    for page, following in zip(pages, pages[1:], strict=False):
        next_starts_section = bool(following.lines) and following.lines[0].is_section_heading
        if page.fill < least and not next_starts_section:
            found.append(f"page {page.number}: {page.fill:.0%} full")
    return found
