"""Safe cells for the workbook and CSV files: literal text, local times, shared styles.

Text that came from input files (names, teams, ids, reasons) must never become a
formula. In the workbook every string is written as a text cell (`data_type = "s"`,
an inline string), with the quote-prefix style so that Excel and LibreOffice keep it
text even after the cell is edited. No apostrophe is added: in .xlsx a text cell shows
its value exactly, so "=HYPERLINK(...)" reads as that literal text. In CSV, which has no
cell types, text starting with = + - @ tab or CR gets a leading apostrophe (OWASP).
openpyxl cannot store tz-aware datetimes: times are converted to naive wall-clock time
in a named zone, and every header says which zone.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL_CHARS = 32767  # Excel's limit per cell

DATE_FORMAT = "yyyy-mm-dd ddd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
HOURS_FORMAT = "0.0"
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "0"
DECIMAL_FORMAT = "0.00"


def clean_text(value: Any) -> str:
    """Return `value` as text an .xlsx file can hold (XML-illegal control characters dropped)."""
    text = _ILLEGAL_XML.sub("", str(value))
    return text[:MAX_CELL_CHARS]


def csv_safe(value: Any) -> Any:
    """Return a CSV field: text starting with = + - @ tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def naive_local(times: pd.Series | pd.DatetimeIndex, tz: str) -> list[datetime | None]:
    """Convert UTC instants to naive wall-clock datetimes in zone `tz` (NaT -> None)."""
    series = pd.Series(times)
    if series.empty:
        return []
    local = pd.to_datetime(series, utc=True).dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None)
    return [None if pd.isna(t) else t.to_pydatetime() for t in local]


def naive_utc(times: pd.Series | pd.DatetimeIndex) -> list[datetime | None]:
    """Convert UTC instants to naive UTC datetimes (NaT -> None)."""
    return naive_local(times, "UTC")


def plain(value: Any) -> Any:
    """Return a value openpyxl stores natively: numpy scalars unboxed, NaN/NaT as None,
    tz-aware timestamps as naive UTC (convert to a named zone before, where local time is meant)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, (datetime, date, str, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


@dataclass(frozen=True)
class Look:
    """How a cell looks: number format, bold, fill colour (hex RGB), alignment."""

    number_format: str | None = None
    bold: bool = False
    fill: str | None = None
    wrap: bool = False
    align: str | None = None
    border: bool = False
    size: float | None = None
    color: str | None = None


HEADER = Look(bold=True, fill="DDE4EE", wrap=True, border=True, align="center")
TITLE = Look(bold=True, size=14)
NOTE = Look(color="555555")
BOLD = Look(bold=True)

_THIN = Side(style="thin", color="A6A6A6")


def _style_of(ws: WriteOnlyWorksheet, look: Look, styles: dict | None):
    """Return the style array of `look` registered in the workbook of `ws` (cached in `styles`)."""
    style = styles.get(look) if styles is not None else None
    if style is None:
        c = WriteOnlyCell(ws)
        if look.number_format:
            c.number_format = look.number_format
        if look.bold or look.size or look.color:
            c.font = Font(bold=look.bold, size=look.size, color=look.color)
        if look.fill:
            c.fill = PatternFill("solid", start_color=look.fill, end_color=look.fill)
        if look.wrap or look.align:
            c.alignment = Alignment(wrap_text=look.wrap, horizontal=look.align, vertical="top")
        if look.border:
            c.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        style = c._style
        if styles is not None:
            styles[look] = style
    return style


def cell(ws: WriteOnlyWorksheet, value: Any, look: Look | None = None, styles: dict | None = None) -> Cell:
    """Return a cell for `ws` holding `value`; every string is literal text, never a formula.

    `styles` caches the registered style of each Look (pass one dict per worksheet).
    """
    value = plain(value)
    c = Cell(ws, row=1, column=1, style_array=_style_of(ws, look, styles) if look is not None else None)
    if isinstance(value, str):
        c.value = clean_text(value)
        c.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            c.quotePrefix = True  # Excel/LibreOffice keep it text even after the cell is edited
    elif value is not None:
        c.value = value
    return c


def row_of(ws: WriteOnlyWorksheet, values: Iterable[Any], looks: Iterable[Look | None] | Look | None = None,
           styles: dict | None = None) -> list:
    """Return a row of cells; `looks` is one Look for all or one per value."""
    values = list(values)
    if looks is None or isinstance(looks, Look):
        looks = [looks] * len(values)
    # unstyled numbers, dates and blanks go in as plain values: openpyxl stores them natively, faster
    return [cell(ws, v, lk, styles) if lk is not None or isinstance(v, str) else plain(v)
            for v, lk in zip(values, looks)]


def set_widths(ws: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    """Set column widths (characters), first column first; call before the first row."""
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def print_setup(ws: WriteOnlyWorksheet, header_rows: int | None = None) -> None:
    """Print landscape, fit to one page wide, repeating the top `header_rows` rows."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"


class Sheet:
    """A write-only worksheet that counts its rows (1-based, as Excel shows them)."""

    def __init__(self, ws: WriteOnlyWorksheet):
        self.ws = ws
        self.rows = 0
        self._styles: dict = {}

    @property
    def title(self) -> str:
        return self.ws.title

    def add(self, values: Iterable[Any] = (), looks: Iterable[Look | None] | Look | None = None) -> int:
        """Append one row of values (styled by `looks`); return its row number."""
        self.ws.append(row_of(self.ws, values, looks, self._styles))
        self.rows += 1
        return self.rows

    def start(self, widths: Iterable[float], freeze: str | None = None, header_rows: int | None = None) -> None:
        """Set column widths, frozen panes and print setup; call before the first row."""
        set_widths(self.ws, widths)
        if freeze:
            self.ws.freeze_panes = freeze
        print_setup(self.ws, header_rows)

    def filter(self, header_row: int, columns: int) -> None:
        """Put an auto-filter on the table whose header is `header_row` and which ends at the last row."""
        last = max(self.rows, header_row + 1)
        self.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last}"
