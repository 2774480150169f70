"""CSV outputs: the Arrow writer gives the bytes pandas' ``to_csv`` gives, or leaves the frame to pandas.

``detector.io.write_table`` formats CSV cells in Arrow (the posts job writes a million rows); the
expected bytes come from pandas' ``to_csv(index=False, quoting=QUOTE_NONNUMERIC)``, the writer it
replaces, and one case is spelled out by hand so that both cannot drift together.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector import io as dio
from detector.io import write_table

EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"


def _pandas_csv(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    dio.safe_for_spreadsheets(df).to_csv(buf, index=False, quoting=csv.QUOTE_NONNUMERIC)
    return buf.getvalue().encode("utf-8")


def _every_kind() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["plain", None, 'say "hi", then go', "two\nlines", "Сви на протест", "=HYPERLINK(1)"], dtype="string"),
            "str": pd.Series(["a", None, "", "b", "c", "-5"], dtype="str"),
            "object": pd.Series(["x", None, np.nan, "y", "z", "w"], dtype=object),
            "float": [0.1, np.nan, 1e-06, 1e16, np.inf, -0.0],
            "int": [1, -2, 2**62, 0, 7, 8],
            "nullable_int": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "bool": [True, False, True, False, True, False],
            "nullable_bool": pd.array([True, None, False, True, False, True], dtype="boolean"),
            "created_at": pd.to_datetime(["2017-09-07 19:52:00", None, "2017-09-07 19:52:01", "2018-01-01 00:00:00", "2016-02-29 23:59:59", "2017-09-07 19:52:00"], utc=True),
        }
    )


def test_every_kind_gives_the_bytes_pandas_gives(tmp_path: Path) -> None:
    df = _every_kind()
    assert dio._write_csv_arrow(dio.safe_for_spreadsheets(df), io.StringIO())  # not left to pandas
    out = tmp_path / "out.csv"
    write_table(df, str(out))
    assert out.read_bytes() == _pandas_csv(df)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == '"text","str","object","float","int","nullable_int","bool","nullable_bool","created_at"'
    # Text quoted (quotes doubled, missing as ""), numbers and booleans bare, times in UTC.
    assert lines[1] == '"plain","a","x",0.1,1,1,True,True,"2017-09-07 19:52:00+00:00"'
    assert lines[2] == '"","","","",-2,"",False,"",""'
    assert lines[3] == '"say ""hi"", then go","","",1e-06,4611686018427387904,3,True,False,"2017-09-07 19:52:01+00:00"'
    assert lines[-2].startswith(""""'=HYPERLINK(1)","'-5","w",-0.0,8,6,False,True,""")


def test_chunks_and_stdout_like_streams_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    df = pd.concat([_every_kind()] * 5, ignore_index=True)
    monkeypatch.setattr(dio, "CSV_CHUNK_ROWS", 4)
    text = io.StringIO()  # no binary buffer under it, as click's test runner's stdout may be
    assert dio._write_csv_arrow(dio.safe_for_spreadsheets(df), text)
    assert text.getvalue().encode("utf-8") == _pandas_csv(df)
    # A text stream that encodes otherwise gets text, encoded by it (the Cyrillic cell as cp1251).
    raw = io.BytesIO()
    other = io.TextIOWrapper(raw, encoding="cp1251", newline="")
    assert dio._write_csv_arrow(dio.safe_for_spreadsheets(df), other)
    other.flush()
    assert raw.getvalue() == _pandas_csv(df).decode("utf-8").encode("cp1251")


@pytest.mark.parametrize(
    "column",
    [
        pd.to_datetime(["2017-09-07 19:52:00.5", "2017-09-07 19:52:00.0"], utc=True),  # fractions of a second
        pd.to_datetime(["2017-09-07 19:52:00", "2017-09-07 19:53:00"]).tz_localize("Europe/Belgrade"),
        pd.to_datetime(["2017-09-07 19:52:00", "2017-09-07 19:53:00"]),  # naive
        pd.Series([[1, 2], None], dtype=object),
        pd.Series(["a", "b"], dtype="category"),
    ],
)
def test_other_kinds_are_left_to_pandas(tmp_path: Path, column: object) -> None:
    df = pd.DataFrame({"n": [1, 2], "x": column})
    assert not dio._write_csv_arrow(df, io.StringIO())
    out = tmp_path / "out.csv"
    write_table(df, str(out))
    assert out.read_bytes() == _pandas_csv(df)


def test_real_posts_output_gives_the_bytes_pandas_gives(tmp_path: Path) -> None:
    from detector.posts.calls import analyse_posts
    from detector.posts.read import read_posts

    read = read_posts(str(EXAMPLE))
    result = analyse_posts(read.posts, profiles=read.profiles, path=str(EXAMPLE), use_model=False)
    for name, frame in (("posts", result.posts), ("clusters", result.memberships), ("authors", result.authors), ("campaigns", result.campaigns.campaigns)):
        assert dio._write_csv_arrow(dio.safe_for_spreadsheets(frame), io.StringIO()), name
        out = tmp_path / f"{name}.csv"
        write_table(frame, str(out))
        assert out.read_bytes() == _pandas_csv(frame), name
    # (The number of calls is the call model's, retrained now and then: only that there are some.)
    assert (len(result.posts), len(result.memberships), len(result.campaigns.campaigns)) == (181, 11, 3) and result.posts["is_call"].sum() > 50


def test_formula_cells_and_quotes_found_on_arrow_slices() -> None:
    """The first-byte test and the quote test read Arrow's buffers: chunks, slices, nulls and empty cells."""
    import pyarrow as pa

    whole = pa.array(['"no"', "=1", "", None, "+2", "ok", "-3", "@x", "\tt", "\rr", "a=b", "＝4"], type=pa.large_string())
    chunked = pa.chunked_array([whole.slice(1, 5), whole.slice(6, 6)])  # the first cell, with its quotes, left out
    assert dio._starts_with_byte(chunked, dio._FORMULA_BYTES).tolist() == [True, False, False, True, False, True, True, True, True, False, False]
    assert not dio._holds_byte(chunked, ord('"'))
    assert dio._holds_byte(whole, ord('"')) and dio._holds_byte(pa.chunked_array([whole.slice(6, 2), whole.slice(0, 1)]), ord('"'))
    assert dio._starts_with_byte(pa.chunked_array([], type=pa.large_string()), dio._FORMULA_BYTES).tolist() == []
    # A column of the "str" dtype, and one whose only quote sits in a later chunk.
    df = pd.DataFrame({"a": pd.Series(["-x", "y", None], dtype="str"), "b": pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(["p"]), pa.array(['q"r', None])])))})
    buf = io.StringIO()
    assert dio._write_csv_arrow(dio.safe_for_spreadsheets(df), buf)
    assert buf.getvalue().splitlines() == ['"a","b"', '"\'-x","p"', '"y","q""r"', '"",""']


def test_tables_written_side_by_side_are_the_tables_written_in_turn(tmp_path: Path) -> None:
    """``write_tables`` (the posts job's four outputs: the first in this thread, the others in a second
    one) writes each file as ``write_table`` does, and says the rows of each as it is done."""
    big = pd.concat([_every_kind()] * 7, ignore_index=True)
    tables = [(big, str(tmp_path / "a.csv")), (_every_kind(), str(tmp_path / "b.jsonl")), (big.head(3), str(tmp_path / "c.parquet"))]
    done: list[int] = []
    dio.write_tables(tables, done.append)
    assert sorted(done) == [3, 6, 42]
    for df, path in tables:
        one = tmp_path / ("one" + Path(path).suffix)
        write_table(df, str(one))
        assert Path(path).read_bytes() == one.read_bytes(), path
    assert (tmp_path / "a.csv").read_bytes() == _pandas_csv(big)


def test_a_table_that_cannot_be_written_beside_others_is_an_error_and_the_rest_is_written(tmp_path: Path) -> None:
    from detector.errors import InputError

    (tmp_path / "folder.csv").mkdir()
    first, last = tmp_path / "first.csv", tmp_path / "last.csv"
    with pytest.raises(InputError, match="the output is a folder"):
        dio.write_tables([(_every_kind(), str(first)), (_every_kind(), str(tmp_path / "folder.csv")), (_every_kind(), str(last))])
    # The second thread stopped at the folder; the first table, written in this thread, is whole.
    assert first.read_bytes() == _pandas_csv(_every_kind()) and not last.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.csv", "folder.csv"]
    with pytest.raises(InputError, match="the output is a folder"):
        dio.write_tables([(_every_kind(), str(tmp_path / "folder.csv")), (_every_kind(), str(last))])
    assert last.read_bytes() == _pandas_csv(_every_kind())  # the other thread's table was still written


def test_a_malformed_row_of_bytes_not_utf8_is_set_aside_without_a_traceback(tmp_path: Path) -> None:
    """h85's trial: a CSV whose malformed row holds byte 0xff printed "Exception ignored in: <bound method
    _BadRowsAside.handler ...> UnicodeDecodeError" with a traceback (pyarrow decodes the row before it calls
    the handler). The row is kept aside with its reason; stderr carries no traceback."""
    import subprocess
    import sys

    fixture = Path(__file__).resolve().parent / "fixtures" / "posts" / "ira_calls.csv"
    lines = fixture.read_bytes().split(b"\n")
    (tmp_path / "y.csv").write_bytes(b"\n".join(lines[:11]) + b"\nr99,\x00\x01garbage,\xff\xfe\n")
    done = subprocess.run(
        [sys.executable, "-c", "from detector.cli import main; main()", "posts", "y.csv", "-o", "out.csv"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    rejects = pd.read_csv(tmp_path / "out.rejects.csv")
    assert rejects[["file", "row", "field", "action"]].values.tolist() == [["y.csv", 11, "content", "rejected"]]
    assert rejects["reason"][0] == (
        "this row (line 12 of the file) holds bytes that are not UTF-8 text (0xff): the file was saved in another "
        "encoding (Windows-1250 or -1252, say); save it as 'CSV UTF-8' and give it again"
    )
