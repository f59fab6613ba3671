"""Hostile text for form fields, and a check that a page shows it as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

MARK = "xss-probe"
LONG = (
    f"</textarea></title>\"'><{MARK} {MARK}=1><script>{MARK}()</script>"
    f'<img src=x onerror={MARK}()><a href="javascript:{MARK}()">{{{{7*7}}}}</a>'
)
SHORT = f'"><{MARK}>'


def hostile_for(maxlength: int | None) -> str | None:
    """The longest hostile text that fits the field, or None when nothing useful fits."""
    if maxlength is None or maxlength >= len(LONG):
        return LONG
    if maxlength >= len(SHORT):
        return SHORT
    return None


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        # Only attributes a browser follows as URLs; a form field's value is just text.
        urls = " ".join(v or "" for n, v in attrs if n in {"href", "src", "action", "formaction"})
        if tag == MARK or MARK in names:
            self.live.append(f"<{tag}> made from the text")
        if tag == "script" and "src" not in names:
            self.live.append("an inline <script>")
            self._in_script = True
        if any(name.startswith("on") for name in names):
            self.live.append(f"an event handler on <{tag}>")
        if "javascript:" in urls.replace(" ", "").lower():
            self.live.append(f"a javascript: URL on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


def live_markup(html: str) -> list[str]:
    """Every way the hostile text became markup on this page (empty when it is all inert)."""
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.live


def shows_as_text(html: str) -> bool:
    """Whether the hostile text is on the page as readable text (it was saved and shown)."""
    inspector = _Inspector()
    inspector.feed(html)
    return f"<{MARK}" in "".join(inspector.text)
