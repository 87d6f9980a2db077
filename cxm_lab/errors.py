"""Exception classes. Every message names the file, row and column where it can, and says
how to fix the problem."""

from __future__ import annotations


class CxmError(Exception):
    """Base class of all CXM Lab errors."""


class SchemaError(CxmError, ValueError):
    """Input data does not match its declared schema (missing column, unreadable file...)."""


class DataError(CxmError, ValueError):
    """Input data is readable but its values cannot be used (currency, dates, joins...)."""


class ParameterError(CxmError, ValueError):
    """A run parameter (YAML file or function argument) is unknown, missing or invalid."""


class ModelError(CxmError, RuntimeError):
    """A text model cannot be found or loaded."""


class NotebookError(CxmError, RuntimeError):
    """A report notebook failed while executing; carries the notebook path and failing cell."""

    def __init__(self, message: str, notebook: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell


class RenderError(CxmError, RuntimeError):
    """Rendering a report to HTML or PDF failed."""


class RunError(CxmError, RuntimeError):
    """A report run cannot go on: its output cannot be written (disk full, read-only folder),
    another run of the same report holds the lock, or the data supports none of its notebooks."""
