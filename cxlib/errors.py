"""Errors a user can cause, each with a message that names the file, sheet, column or row."""

from __future__ import annotations


class CxError(Exception):
    """Base for every error a user can cause; its message is shown as is, never a traceback."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 column: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.column = column
        self.row = row

    def __str__(self) -> str:
        return self.message


class LoadError(CxError):
    """A file cannot be read at all (empty, binary, encrypted, corrupt, too large)."""


class MappingError(CxError):
    """A mapping does not fit the data (missing column, unknown kind or role)."""


class MetricError(CxError):
    """A metric cannot be computed from what is loaded (no events, unknown stage, empty segment)."""


class QueryRefused(CxError):
    """A SQL explorer query that is not a single read-only statement, or hits a locked setting."""


class WorkspaceChanged(CxError):
    """A saved workspace no longer holds the data a link was made on (its content hash differs)."""
