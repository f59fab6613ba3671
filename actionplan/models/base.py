"""What the plan's models share: indexed history, a version raised on every save, percentages."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class IndexedHistoricalRecords(HistoricalRecords):
    """History whose table carries extra indexes, such as one to list a plan's latest changes."""

    def __init__(self, *args, indexes: tuple[models.Index, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra_indexes = indexes

    def get_meta_options(self, model: type[models.Model]) -> dict:
        options = super().get_meta_options(model)
        options["indexes"] = (*options.get("indexes", ()), *self.extra_indexes)
        return options


class Versioned(models.Model):
    """A row that carries a version number, raised on every save, to detect edit conflicts."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version += 1
        super().save(*args, **kwargs)


percentage_validators = [
    MinValueValidator(0, "Percentage complete must be between 0 and 100."),
    MaxValueValidator(100, "Percentage complete must be between 0 and 100."),
]
