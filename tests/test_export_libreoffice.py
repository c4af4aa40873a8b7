"""The workbook opens in a real spreadsheet application: LibreOffice, headless.

LibreOffice converts every sheet to CSV "as shown"; the cells must read as the export
wrote them (a formula-like name shows as text, not as the formula's result). Skips when
LibreOffice is not installed.
"""
from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from planner.export import SHEETS, write_workbook
from test_export_fixtures import EVIL_NAME, make_inputs

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# separator, quote, UTF-8, from line 1, -, language, quoted-as-text, detect numbers,
# save as shown, export formulas, remove spaces, sheet (-1: every sheet to its own file)
CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_every_sheet_as_written(tmp_path):
    path = write_workbook(tmp_path / "2026-W44.xlsx", **make_inputs("2026-W44"))
    out = tmp_path / "csv"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--convert-to", CSV_FILTER, "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    produced = {p.name for p in out.glob("*.csv")}
    assert produced == {f"2026-W44-{name}.csv" for name in SHEETS}, (produced, done.stdout, done.stderr)

    def rows(sheet: str) -> list[list[str]]:
        with open(out / f"2026-W44-{sheet}.csv", newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    schedule = rows("Schedule")
    x1 = next(r for r in schedule if r and r[0] == "x1")
    assert x1[1] == EVIL_NAME and x1[2] == "+team"  # text, not the formula's result "y"
    ny = next(r for r in schedule if r and r[0] == "ny1")
    assert ny[5] == ny[10] == ny[11] == "09:00-17:00 (break 12:00-13:00)"
    shifts = rows("Shifts")
    ny_sunday = next(r for r in shifts if r and r[0] == "ny1" and r[4].startswith("2026-11-01"))
    assert ny_sunday[5] == "2026-11-01 09:00" and ny_sunday[9] == "2026-11-01 14:00"
    assert rows("Checks")[2][0].startswith("No violations")
