"""Files of the wrong kind, in and out: said plainly, before any work, naming the file and what is known.

Session 13's trials (closing-s13.md, "Wrong-kind input files"): a spreadsheet saved into a folder of
exports was answered "unreadable Parquet: ... magic bytes not found", and ``-o scores.xlsx`` wrote CSV
under a spreadsheet's name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from detector.cli import cli

FIX = Path(__file__).parent / "fixtures" / "posts"
WATCHES = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "watches.toml"

# The parts of an Office Open XML workbook Excel opens (one sheet, one cell): a real .xlsx, made here.
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="posts" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row></sheetData></worksheet>'
    ),
}


def _xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
    return path


def _posts(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["posts", *args])
    return result.exit_code, result.stderr


# ---------------------------------------------------------------- a folder holding a spreadsheet

XLSX_ADVICE = "a spreadsheet is not read: save it as 'CSV UTF-8' (Excel: File > Save As) and give that file"


def test_a_folder_holding_a_spreadsheet_names_it(tmp_path: Path) -> None:
    """It said "unreadable Parquet: Error creating dataset. Could not read schema from 'day.xlsx'"."""
    day = tmp_path / "day"
    day.mkdir()
    _xlsx(day / "posts.xlsx")
    code, err = _posts(str(day), "-o", str(tmp_path / "s.csv"))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"error: {day}: the folder holds a file that is not Parquet (posts.xlsx): a folder is read as Parquet parts "
        f"(.parquet, .pq) and nothing else; {XLSX_ADVICE}"
    )
    assert not (tmp_path / "s.csv").exists()


def test_parquet_parts_beside_a_spreadsheet_and_a_csv(tmp_path: Path) -> None:
    """The Parquet parts are not enough: every other file is named (a marker such as _SUCCESS is not)."""
    day = tmp_path / "day"
    day.mkdir()
    pd.read_csv(FIX / "ira_calls.csv", dtype=str).to_parquet(day / "part-0.parquet", index=False)
    (day / "_SUCCESS").write_bytes(b"")
    _xlsx(day / "extra.xlsx")
    (day / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    code, err = _posts(str(day), "-o", str(tmp_path / "s.csv"))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"error: {day}: the folder holds 2 files that are not Parquet (extra.xlsx, notes.csv): a folder is read as Parquet parts "
        f"(.parquet, .pq) and nothing else; {XLSX_ADVICE}; give a CSV or JSON file on its own (detector run: --from once per file), "
        "or a folder of them to detector posts --engine dask"
    )


def test_the_parquet_parts_alone_are_still_read(tmp_path: Path) -> None:
    day = tmp_path / "day"
    day.mkdir()
    frame = pd.read_csv(FIX / "ira_calls.csv", dtype=str)
    frame.iloc[:10].to_parquet(day / "part-0.parquet", index=False)
    frame.iloc[10:].to_parquet(day / "part-1.parquet", index=False)
    (day / "_SUCCESS").write_bytes(b"")
    code, err = _posts(str(day), "-o", str(tmp_path / "s.csv"))
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "s.csv")) == 26


def test_run_from_a_folder_holding_a_spreadsheet(tmp_path: Path) -> None:
    day = tmp_path / "day"
    day.mkdir()
    _xlsx(day / "posts.xlsx")
    res = CliRunner().invoke(cli, ["run", "--watch", "texit-rally", "--config", str(WATCHES), "--from", str(day),
                                   "--db", str(tmp_path / "d.sqlite"), "--data-dir", str(tmp_path), "-o", str(tmp_path / "r")])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: {day}: the folder holds a file that is not Parquet (posts.xlsx): a folder is read as Parquet parts "
        f"(.parquet, .pq) and nothing else; {XLSX_ADVICE}"
    )
