"""Errors the store raises; the API maps them to HTTP statuses (e.g. 409)."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error raised on purpose by the store."""


class NumberTaken(StoreError):
    """The number is already issued to a document or voided, so it cannot be used (409)."""

    def __init__(self, series: str, year: int, serial: int, voided: bool) -> None:
        """Remember which number was refused and whether it was voided."""
        state = "voided" if voided else "already issued"
        super().__init__(f"number {series} {year} #{serial} is {state}")
        self.series, self.year, self.serial, self.voided = series, year, serial, voided


class CounterConflict(StoreError):
    """A counter may not move to or below a serial already issued or voided (409)."""


class IdempotencyConflict(StoreError):
    """The idempotency key was already used with a different request body (409)."""


class InvalidKey(StoreError, ValueError):
    """A file-storage key that is empty, too long or could escape its root."""
