"""Errors raised by the engine; callers (CLI, API, batch) map them to their own outcomes."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises."""


class TemplateSyntaxError(EngineError):
    """A template's tags do not parse; raised when the template is loaded."""

    def __init__(self, part: str, line: int | None, text: str, message: str):
        self.part, self.line, self.text, self.message = part, line, text, message
        where = f"{part} line {line}" if line else part
        super().__init__(f"{where}: {message} (near: {text!r})")


class InvalidTemplate(EngineError):
    """The file is not a Word document the engine can fill."""


class DataError(EngineError):
    """A value in the data cannot be written into a Word document."""

    def __init__(self, path: str, message: str):
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


class RenderError(EngineError):
    """Evaluating the template with the given data failed."""

    def __init__(self, part: str, message: str):
        self.part, self.message = part, message
        super().__init__(f"{part}: {message}")
