"""The one exception actions raise when a rule says no."""

from __future__ import annotations


class DomainError(Exception):
    """A readable refusal. `errors` maps a field name ('' for the whole record) to messages."""

    def __init__(
        self, message: str = "", *, field: str = "", errors: dict[str, list[str]] | None = None
    ):
        self.errors: dict[str, list[str]] = dict(errors or {})
        if message:
            self.errors.setdefault(field, []).append(message)
        super().__init__("; ".join(m for msgs in self.errors.values() for m in msgs))

    @property
    def message(self) -> str:
        return str(self)
