"""How a kind's documents are numbered: 机关代字〔年份〕序号号, the series taken from the profile."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.checks import NUMBER_PATTERN
from schemas.profile import PROFILE


@dataclass(frozen=True)
class Numbering:
    """How a kind's documents are numbered: 机关代字〔年份〕序号号, one serial run per series and year.

    ``field`` holds the number in the input (optional there: the service allocates one when it is
    missing); the series is the 机关代字 of the unit named in ``unit_field`` (the 总支 when None)
    followed by ``suffix``; the year is that of the date in ``date_field``.
    """

    field: str
    date_field: str
    unit_field: str | None = None
    suffix: str = ""

    def series(self, data: dict) -> str:
        """The series the document's number belongs to, e.g. 中心党总支 or 中心党总支证."""
        unit = PROFILE.unit(data[self.unit_field]) if self.unit_field else PROFILE.organisation
        return unit.code + self.suffix

    def year(self, data: dict) -> int:
        """The year of the document's date."""
        return int(str(data[self.date_field])[:4])

    @staticmethod
    def format(series: str, year: int, serial: int | str) -> str:
        """Write the number: 中心党总支〔2026〕3号 (a preview writes × for the serial it does not take)."""
        return f"{series}〔{year}〕{serial}号"

    @staticmethod
    def parse(number: str) -> tuple[str, int, int]:
        """Split a number into (series, year, serial); ValueError if it is not one."""
        found = NUMBER_PATTERN.fullmatch(number or "")
        if not found:
            raise ValueError(f"not a document number: {number!r}")
        series, year, serial = found.groups()
        return series, int(year), int(serial)

    def problems(self, data: dict) -> list[tuple[tuple, str]]:
        """A supplied number whose series or year does not fit the document."""
        number = data.get(self.field)
        needed = (self.date_field, self.unit_field) if self.unit_field else (self.date_field,)
        if not number or not all(data.get(key) for key in needed):
            return []
        series, year, _ = self.parse(number)
        if series != self.series(data):
            return [((self.field,), f"机关代字应为“{self.series(data)}”")]
        if year != self.year(data):
            return [((self.field,), f"年份应与文书日期的年份（{self.year(data)}）一致")]
        return []
