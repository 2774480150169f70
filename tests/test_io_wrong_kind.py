"""Files of the wrong kind, in and out: said plainly, before any work, naming the file and what is known.

Session 13's trials (closing-s13.md, "Wrong-kind input files"): a spreadsheet saved into a folder of
exports was answered "unreadable Parquet: ... magic bytes not found", and ``-o scores.xlsx`` wrote CSV
under a spreadsheet's name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import UnknownFormatError
from detector.io import output_format

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


# ---------------------------------------------------------------- the dask engine's partitions (session 15)

PARTS = "a folder is read as partition files (.csv, .json, .jsonl, .ndjson, .parquet, .pq) and nothing else"


def test_dask_names_a_spreadsheet_beside_the_parts(tmp_path: Path) -> None:
    """posts --engine dask read the CSV part and skipped the spreadsheet without a word (exit 0)."""
    day = tmp_path / "day"
    day.mkdir()
    (day / "part-0.csv").write_text((FIX / "ira_calls.csv").read_text(encoding="utf-8"), encoding="utf-8")
    _xlsx(day / "posts.xlsx")
    code, err = _posts(str(day), "--engine", "dask", "-o", str(tmp_path / "s.csv"))
    assert code == 2
    assert err.strip().splitlines()[-1] == f"error: {day}: the folder holds a file that is not a part (posts.xlsx): {PARTS}; {XLSX_ADVICE}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day"]


def test_dask_names_every_file_that_is_no_part(tmp_path: Path) -> None:
    """score --engine dask too; a tab-separated table saved as .txt is told how to be taken for a part."""
    day = tmp_path / "day"
    day.mkdir()
    accounts = Path(__file__).parent / "fixtures" / "accounts" / "cresci2017_genuine.csv"
    (day / "a.csv").write_text(accounts.read_text(encoding="utf-8"), encoding="utf-8")
    _xlsx(day / "b.xlsx")
    (day / "c.txt").write_text("id\tscreen_name\n1\tana\n", encoding="utf-8")
    (day / "d.docx").write_bytes(b"PK\x03\x04")
    (day / "e.ods").write_bytes(b"PK\x03\x04")
    res = CliRunner().invoke(cli, ["score", str(day), "--engine", "dask", "-o", str(tmp_path / "s")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: {day}: the folder holds 4 files that are not parts (b.xlsx, c.txt, d.docx, ...): {PARTS}; {XLSX_ADVICE}; "
        "a table saved as .txt or .tsv is not taken for a part: name it .csv (its delimiter is read from its header line)"
    )


def test_dask_names_a_glob_match_that_is_no_part(tmp_path: Path) -> None:
    day = tmp_path / "day"
    day.mkdir()
    (day / "posts-1.csv").write_text((FIX / "ira_calls.csv").read_text(encoding="utf-8"), encoding="utf-8")
    _xlsx(day / "posts-2.xlsx")
    code, err = _posts(str(day / "posts-*"), "--engine", "dask", "-o", str(tmp_path / "s.csv"))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"error: {day / 'posts-*'}: the files matched hold a file that is not a part ({day / 'posts-2.xlsx'}): {PARTS}; {XLSX_ADVICE}"
    )


# ---------------------------------------------------------------- an output named for a format not written

WRITTEN = "the outputs written are .csv, .json, .jsonl (or .ndjson) and .parquet (or .pq)"
EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("scores.csv", "csv"), ("scores.JSON", "json"), ("scores.jsonl", "jsonl"), ("scores.ndjson", "jsonl"),
        ("scores.parquet", "parquet"), ("scores.pq", "parquet"),
        # no suffix, or one that names no format: CSV, as before
        ("scores", "csv"), ("day.05-01", "csv"), ("week.2024", "csv"), ("-", "csv"),
    ],
)  # fmt: skip
def test_output_format_by_name(name: str, fmt: str) -> None:
    assert output_format(name) == fmt


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scores.xlsx", f"no .xlsx output: {WRITTEN}; a spreadsheet opens the .csv"),
        ("x.parquet.gz", f"no .gz output: {WRITTEN}; a compressed output is not written: give .parquet (compressed inside), or .csv and compress it afterwards"),
        ("scores.csv.gz", f"no .gz output: {WRITTEN}; a compressed output is not written: give .parquet (compressed inside), or .csv and compress it afterwards"),
        ("scores.tsv", f"no .tsv output: {WRITTEN}"),
    ],
)
def test_output_format_refuses_a_format_not_written(name: str, message: str) -> None:
    with pytest.raises(UnknownFormatError) as err:
        output_format(name)
    assert str(err.value) == f"{name}: {message}"


def test_posts_to_xlsx_stops_before_any_work(tmp_path: Path) -> None:
    """It wrote CSV bytes under out.xlsx (and x.parquet.gz) and exited 0."""
    for name, said in (("out.xlsx", "; a spreadsheet opens the .csv"), ("out.parquet.gz", "; a compressed output is not written: give .parquet (compressed inside), or .csv and compress it afterwards")):
        out = tmp_path / name
        code, err = _posts(str(EXAMPLE), "-o", str(out))
        assert code == 2
        assert err.strip().splitlines() == [f"error: {out}: no {out.suffix} output: {WRITTEN}{said}"]  # nothing read, nothing scored
        assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_posts_with_one_side_output_of_a_format_not_written_writes_none(tmp_path: Path) -> None:
    code, err = _posts(str(EXAMPLE), "-o", str(tmp_path / "s.csv"), "--clusters-out", str(tmp_path / "c.tsv"))
    assert code == 2
    assert err.strip().splitlines() == [f"error: {tmp_path / 'c.tsv'}: no .tsv output: {WRITTEN}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_posts_on_dask_refuses_a_folder_of_parts_named_jsonl(tmp_path: Path) -> None:
    """The dask engine writes Parquet parts into a folder named anything but *.csv: parts.jsonl would hold Parquet."""
    code, err = _posts(str(EXAMPLE), "--engine", "dask", "-o", str(tmp_path / "parts.jsonl"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: {tmp_path / 'parts.jsonl'}: the dask engine writes a folder of parts, CSV (a name ending .csv) or Parquet "
        "(.parquet, .pq, or no suffix): name it so, or write .jsonl with the local engine"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_score_to_xlsx_stops_before_the_model_is_loaded(tmp_path: Path) -> None:
    """The model named does not exist: the output's name is refused first (exit 2, not the model's 4)."""
    out = tmp_path / "scores.xlsx"
    accounts = Path(__file__).parent / "fixtures" / "accounts" / "cresci2017_genuine.csv"
    res = CliRunner().invoke(cli, ["score", str(accounts), "-o", str(out), "--model", str(tmp_path / "absent.npz")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [f"error: {out}: no .xlsx output: {WRITTEN}; a spreadsheet opens the .csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
