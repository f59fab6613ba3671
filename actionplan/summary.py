"""Counts of a plan's actions as councils report them: "of 30 actions, 4 (13%) achieved, …"."""

from __future__ import annotations

from dataclasses import dataclass, field


def percentage(part: int, whole: int) -> int:
    """Whole-number percentage, rounded half up as councils' papers do (4 of 30 is 13%)."""
    return (part * 200 + whole) // (whole * 2) if whole else 0


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return percentage(self.count, self.total)

    def __str__(self) -> str:
        return f"{self.count} ({self.percent}%) {self.label.lower()}"


@dataclass(frozen=True)
class PlanSummary:
    """Stored statuses and RAG, plus the derived conditions a report also counts."""

    total: int
    by_status: list[Count] = field(default_factory=list)
    by_rag: list[Count] = field(default_factory=list)
    derived: list[Count] = field(default_factory=list)

    def sentence(self) -> str:
        """The line a committee paper prints, listing only statuses that occur."""
        parts = [str(c) for c in self.by_status if c.count]
        noun = "action" if self.total == 1 else "actions"
        if not parts:
            return f"There are no {noun} in this plan."
        return f"Of {self.total} {noun}, " + ", ".join(parts) + "."

    def count(self, key: str) -> int:
        for item in [*self.by_status, *self.by_rag, *self.derived]:
            if item.key == key:
                return item.count
        raise KeyError(key)
