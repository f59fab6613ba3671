"""Read a page's forms the way a browser would submit them, so tests post what people post."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    # name → "text", "textarea", "select", "hidden", "checkbox", "radio", "date", "number"…
    kinds: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    maxlength: dict[str, int] = field(default_factory=dict)
    has_file: bool = False  # an upload form: it cannot be sent complete without a file

    def text_fields(self) -> list[str]:
        """The fields a person types free text into."""
        return [n for n, k in self.kinds.items() if k in {"text", "textarea", "search", "email"}]

    def data(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.fields.items()}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if name and a.get("maxlength", "").isdigit():
            form.maxlength[name] = int(a["maxlength"])
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.has_file = True
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            form.kinds[name] = kind
            if kind in {"checkbox", "radio"}:
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
                return
            form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            form.kinds[name] = "textarea"
            self._textarea = name
            form.fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            form.kinds[name] = "select"
            self._select, self._selected, self._first_option = name, [], None
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected.append(value)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._form is not None and self._textarea:
                value = self._form.fields[self._textarea][-1]
                # Browsers drop one newline straight after <textarea>.
                self._form.fields[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            chosen = self._selected or ([self._first_option] if self._first_option else [])
            self._form.fields[self._select] = chosen
            self._select = None


def post_forms(html: str, path: str) -> list[Form]:
    """The POST forms of a page that submit to the page itself (not the header's sign-out)."""
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post" and f.action in ("", path)]


def main_form(html: str, path: str) -> Form:
    """The page's own form: of those posting to the page, the one with the most fields."""
    forms = post_forms(html, path)
    assert forms, f"no form posting to {path}"
    return max(forms, key=lambda f: len(f.kinds))


def csrf_token(html: str) -> str:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if "csrfmiddlewaretoken" in form.fields:
            return form.fields["csrfmiddlewaretoken"][0]
    raise AssertionError("no CSRF token on the page")
