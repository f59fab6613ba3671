"""Seeds 001 and 003 typed back into Word tables in their original layout, from the demo data.

The councils kept these plans as Word tables. Here each is typed again as the source shows it
(the layout described in the seeds and in the transcription notes of `fixtures/*.json`):

- seed 001 (Annex 2): three columns "Project | Time Line | Update"; each key topic a row
  merged across ("1. Local Access Points"); each project a line of its own in the Project
  column; each action a bulleted line with its Time Line and Update beside it;
- seed 003 (CSE Action Plan V.4): six columns "CRITERION | Desired Outcomes | Responsible
  officer(s) / group | Target Completion Date | Progress | Action"; each criterion's cell
  merged down over its rows, its sub-criteria in a row merged across the other columns; each
  desired outcome's cell merged down over its actions; the first row of criterion 1 holds
  two bulleted actions (1(a), 1(b)) with their targets and progress on two lines.

Progress entries the transcription split by date are one cell in the source: they are typed
joined, as written. Owners are typed as the responsible column writes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.actionplan.import_files import Bullets, docx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def transcription(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def progress_cell(action: dict[str, Any]) -> str | None:
    """The Update / Progress cell: the transcription's entries as one text."""
    return " ".join(entry["text"] for entry in action["progress"]) or None


def target_cell(action: dict[str, Any]) -> str | None:
    """The Time Line cell: the first target and any revisions beside it, one a line."""
    lines = [action["target"]] + [r["text"] for r in action.get("target_revisions", [])]
    return "\n".join(line for line in lines if line) or None


def seed_001_docx() -> bytes:
    data = transcription("plan_2004_annex2.json")
    rows: list[list[Any]] = [["Project", "Time Line", "Update"]]
    merges = []
    for theme in data["themes"]:
        merges.append(((len(rows), 0), (len(rows), 2)))
        rows.append([f"{theme['reference']}. {theme['title']}", None, None])
        for action in theme.get("actions", []):
            rows.append(_annex_row(action))
        for project in theme["projects"]:
            rows.append([project["title"], None, None])
            for action in project["actions"]:
                rows.append(_annex_row(action))
    return docx([{"rows": rows, "merges": merges}], before="ANNEX 2\nCustomer Service Action Plan")


def _annex_row(action: dict[str, Any]) -> list[Any]:
    return [Bullets(action["description"]), target_cell(action), progress_cell(action)]


CSE_HEADINGS = [
    "CRITERION",
    "Desired Outcomes",
    "Responsible officer(s) / group",
    "Target Completion Date",
    "Progress",
    "Action",
]


def _cse_project_cell(theme_number: int, project: dict[str, Any]) -> str:
    """Criterion 1 numbers its outcomes "1.", criteria 2 and 3 "(1)", 4 and 5 not at all."""
    if theme_number == 1:
        return f"{project['reference']}. {project['title']}"
    if theme_number in (2, 3):
        return f"({project['reference']}) {project['title']}"
    return project["title"]


def seed_003_docx() -> bytes:
    data = transcription("plan_cse_v4.json")
    rows: list[list[Any]] = [CSE_HEADINGS]
    merges = []
    for theme in data["themes"]:
        first = len(rows)
        crit = f"{theme['reference']} {theme['title']}"
        merges.append(((len(rows), 1), (len(rows), 5)))
        rows.append([crit, theme["description"], None, None, None, None])
        for project in theme["projects"]:
            start = len(rows)
            outcome = _cse_project_cell(int(theme["reference"]), project)
            actions = project["actions"]
            index = 0
            while index < len(actions):
                action = actions[index]
                if action["reference"] == "1(a)" and theme["reference"] == "1":
                    # 1(a) and 1(b) share a row in the source: two bullets, two lines.
                    pair = actions[index : index + 2]
                    rows.append(
                        [
                            None,
                            outcome,
                            "Policy and Performance Team RF/Paul Williams",
                            "\n".join(a["target"] for a in pair),
                            "\n".join(progress_cell(a) or "" for a in pair),
                            Bullets(*(f"{a['reference']} {a['description']}" for a in pair)),
                        ]
                    )
                    index += 2
                    continue
                text = f"{action['reference']} {action['description']}".strip()
                rows.append(
                    [
                        None,
                        outcome,
                        action["owners"] or None,
                        target_cell(action),
                        progress_cell(action),
                        text,
                    ]
                )
                index += 1
            if len(rows) - 1 > start:
                merges.append(((start, 1), (len(rows) - 1, 1)))
        merges.append(((first, 0), (len(rows) - 1, 0)))
    return docx(
        [{"rows": rows, "merges": merges}],
        before="Appendix 2\nCustomer Service Excellence Action Plan V.4",
    )
