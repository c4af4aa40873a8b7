"""The shared table reader and the atomic writers: separators, BOM, row numbers, XLSX, safe replace."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import InputError, OutputError
from planner.fileio import atomic_path, read_csv_frame, read_table, write_csv

EXPECTED = "a header row and data rows"


def read(path: Path, **kw) -> pd.DataFrame:
    return read_table(path, "agents file", EXPECTED, **kw)


# --------------------------------------------------------------------------- read_table


def test_semicolon_csv_with_bom_reads_text_cells(tmp_path):
    path = tmp_path / "a.csv"
    # Excel's "CSV UTF-8" in a German locale: BOM, ';' separator, decimal commas
    path.write_bytes("\ufeffagent_id;hours;name\n007;37,5;Jürgen, Ada\n".encode("utf-8"))
    frame = read(path)
    assert list(frame.columns) == ["agent_id", "hours", "name"]  # no BOM glued to the first name
    assert frame.to_dict("list") == {"agent_id": ["007"], "hours": ["37,5"], "name": ["Jürgen, Ada"]}


def test_tab_separator_is_sniffed_from_the_header(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("agent_id\tname\nA1\tDoe, Jane\n", encoding="utf-8")
    assert read(path).to_dict("list") == {"agent_id": ["A1"], "name": ["Doe, Jane"]}


def test_blank_lines_are_kept_so_index_plus_2_is_the_spreadsheet_row(tmp_path):
    path = tmp_path / "a.csv"
    # spreadsheet rows: 1 header, 2 A1, 3 blank, 4 only separators, 5 A5
    path.write_text("agent_id,name\nA1,x\n\n,\nA5,y\n", encoding="utf-8")
    frame = read(path)
    assert len(frame) == 4
    assert (frame.iloc[1] == "").all() and (frame.iloc[2] == "").all()
    assert [i + 2 for i in frame.index[frame["agent_id"] != ""]] == [2, 5]


def test_xlsx_first_sheet_as_text_with_blank_rows_kept(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["agent_id", "contract_hours", "share"])
    ws.append(["007", 40, 1.5])
    ws.append([None, None, None])
    ws.append(["A4", None, "x"])
    wb.create_sheet("other").append(["ignored"])
    wb.save(path)
    frame = read(path)
    assert frame.to_dict("list") == {"agent_id": ["007", "", "A4"], "contract_hours": ["40", "", ""],
                                     "share": ["1.5", "", "x"]}
    assert frame.index[frame["agent_id"] == "A4"][0] + 2 == 4


def test_empty_files_raise_or_give_a_frame_without_columns(tmp_path):
    for name, data in (("e.csv", b""), ("b.csv", b"  \n\n")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=rf"{name}: the agents file is empty; expected {EXPECTED}$"):
            read(tmp_path / name)
        assert read(tmp_path / name, allow_empty=True).columns.empty
    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    with pytest.raises(InputError, match=r"e\.xlsx: the agents file is empty"):
        read(tmp_path / "e.xlsx")


def test_unreadable_files_name_the_file_and_the_row(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: agents file not found"):
        read(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match=r"dir\.csv: expected an agents file \(\.csv or \.xlsx\), found a folder"):
        read(tmp_path / "dir.csv")
    with pytest.raises(InputError, match=r"dir\.csv: expected a history file"):
        read_table(tmp_path / "dir.csv", "history file", EXPECTED)
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(InputError, match=r"a\.json: unsupported agents file type '\.json'; expected \.csv or \.xlsx"):
        read(tmp_path / "a.json")
    (tmp_path / "r.csv").write_text("a,b\n1,2\n3,4\n5,6,7\n")
    with pytest.raises(InputError, match=r"r\.csv, row 4: has 3 fields where the header has 2") as err:
        read(tmp_path / "r.csv")
    assert err.value.row == 4
    (tmp_path / "l.csv").write_bytes("a,b\nJürgen,1\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"l\.csv: the agents file is not UTF-8 text"):
        read(tmp_path / "l.csv")
    (tmp_path / "w.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"w\.xlsx: cannot read this Excel workbook \(BadZipFile"):
        read(tmp_path / "w.xlsx")


# --------------------------------------------------------------------------- atomic writes


def test_failure_inside_the_block_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_path(target) as tmp:
            assert tmp.parent == tmp_path and tmp != target
            tmp.write_text("half of the new")
            raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_write_csv_failure_is_an_output_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def fail(self, path, **kw):
        Path(path).write_text("partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OutputError, match=r"out\.csv: cannot write: No space left on device"):
        write_csv(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_written_file_has_umask_permissions_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_csv(pd.DataFrame({"a": [1]}), tmp_path / "sub" / "out.csv")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_csv_replaces_and_writes_utc_times_with_offset(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    frame = pd.DataFrame({"interval_start": pd.to_datetime(["2026-03-29T01:00:00Z"], utc=True), "volume": [2.5]})
    write_csv(frame, target)
    assert target.read_text().splitlines() == ["interval_start,volume", "2026-03-29T01:00:00+00:00,2.5"]


def test_unwritable_folder_raises_output_error_naming_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    target = blocker / "out.csv"
    with pytest.raises(OutputError) as err:
        write_csv(pd.DataFrame({"a": [1]}), target)
    assert str(err.value).startswith(f"{target}: cannot write here")
    assert blocker.read_text() == "a file, not a folder"


def test_a_bad_time_in_a_planner_csv_names_row_column_and_value(tmp_path):

    path = tmp_path / "2026-W49.roster.csv"
    path.write_text("agent_id,start_utc\nA1,2026-11-30T08:00:00+00:00\nA2,8 o'clock\n")
    with pytest.raises(InputError) as err:
        read_csv_frame(path, ["agent_id", "start_utc"], "roster shifts file")
    assert (err.value.row, err.value.column) == (3, "start_utc")
    assert "got \"8 o'clock\"" in str(err.value) and str(path) in str(err.value)
