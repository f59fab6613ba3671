"""Owner text as officers write it: "RF / PAG", "Paul Knight / Performance Improvement Group (PIG)".

Pure helpers, no Django: splitting the text into tokens and the spellings each token may match.
"""

import re

_SEPARATORS = re.compile(r"\s*(?:/|,|;|\n|\s&\s)\s*")
_WITH_ABBREVIATION = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[^()]+)\)$")


def split_owner_text(text: str) -> list[str]:
    """Split owner text into tokens, each naming one owner, in the order written."""
    tokens = [t.strip(" .") for t in _SEPARATORS.split(text or "")]
    return [t for t in tokens if t]


def token_spellings(token: str) -> list[str]:
    """The spellings a token may match: itself, and for "Name (ABBR)" the name and ABBR."""
    spellings = [token]
    match = _WITH_ABBREVIATION.match(token)
    if match:
        spellings += [match["name"].strip(), match["abbr"].strip()]
    return spellings


def normalise(name: str) -> str:
    """A case- and space-insensitive key for matching names."""
    return " ".join(name.split()).casefold()


def unknown_owners_message(names: list[str]) -> str:
    """What to tell someone whose owner text names owners the system does not know."""
    return (
        "These owners are not known to the system, so they are kept as written but not linked "
        f"to the action: {', '.join(names)}. A plan administrator can add them."
    )
