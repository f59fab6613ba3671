"""Consultation exercises and findings (models arrive with the consultation issue)."""
