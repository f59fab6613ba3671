"""Service standards and performance against them (models arrive with the standards issue)."""
