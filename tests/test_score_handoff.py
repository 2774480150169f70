"""How the account-scoring job hands chunks to its worker processes and takes their scores back.

Frames go as Arrow files in a shared-memory folder (:class:`detector.accounts.score._SharedFrame`);
a frame must come back exactly as it went (values, dtypes and their storage, index), the file must
be gone once read, and a frame Arrow would not give back as it was must go as it is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts.score import _handoff_folder, _SharedFrame
from detector.io import Rejects, read_csv_strings

ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == list(b.columns)
    assert type(a.index) is type(b.index)
    for col in a.columns:
        assert repr(a[col].dtype) == repr(b[col].dtype), col
        assert getattr(a[col].dtype, "storage", None) == getattr(b[col].dtype, "storage", None), col
        assert type(a[col].array) is type(b[col].array), col


def test_a_raw_csv_chunk_comes_back_exactly_and_its_file_is_removed(tmp_path: Path) -> None:
    src = tmp_path / "accounts.csv"
    src.write_text(
        'id,screen_name,description,followers_count\n'
        '1,alice,"line one\nline two",10\n'
        '2,,"says ""hi"", twice",\n'
        '3,\u00e9mile_42,\U0001f916 bot,7\n',
        encoding="utf-8",
    )
    raw = next(read_csv_strings(src, chunksize=2, rejects=Rejects(str(src))))
    raw = pd.concat([raw, next(read_csv_strings(src, chunksize=3, rejects=Rejects(str(src)))).iloc[2:]])
    raw.index = pd.RangeIndex(5, 8)  # a later chunk: record numbers start past 1
    folder = _handoff_folder()
    try:
        sent = _SharedFrame.put(raw, folder)
        assert isinstance(sent, _SharedFrame)
        assert os.listdir(folder) == [os.path.basename(sent.path)]
        back = _SharedFrame.take(sent)
        assert os.listdir(folder) == []
        same_frame(raw, back)
        assert back.loc[5, "description"] == "line one\nline two"
        assert pd.isna(back.loc[6, "followers_count"]) and back.loc[6, "description"] == 'says "hi", twice'
        assert back.loc[7, "screen_name"] == "\u00e9mile_42"
    finally:
        os.rmdir(folder)


def test_scores_with_numbers_and_record_numbers_come_back_exactly() -> None:
    scores = pd.DataFrame(
        {
            "account_id": pd.array(["10", "11", None], dtype=ARROW_TEXT),
            "score": np.array([0.1234, -0.0, np.nan]),
            "label": pd.array(["suspicious", "uncertain", "likely-genuine"], dtype=ARROW_TEXT),
            "reasons": pd.array(["\u2191 3 posts a day", None, ""], dtype=pd.StringDtype("pyarrow")),
            "n": np.array([1, 2, 3], dtype=np.int64),
            "flag": np.array([True, False, True]),
        },
        index=pd.Index([4, 9, 12], dtype="int64"),
    )
    folder = _handoff_folder()
    try:
        sent = _SharedFrame.put(scores, folder)
        assert isinstance(sent, _SharedFrame)
        back = _SharedFrame.take(sent)
        same_frame(scores, back)
        assert np.signbit(back["score"].iloc[1])  # -0.0 stays -0.0
        assert back["reasons"].iloc[1] is pd.NA and back["account_id"].iloc[2] is not pd.NA
    finally:
        os.rmdir(folder)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": pd.array(["x", None], dtype=pd.StringDtype("python"))}),
        pd.DataFrame({"a": pd.Series(["x", 1], dtype=object)}),
        pd.DataFrame({"t": pd.to_datetime(["2020-01-01", None], utc=True)}),
        pd.DataFrame({"a": pd.array(["x", "y"], dtype=ARROW_TEXT)}, index=pd.Index(["r1", "r2"])),
        pd.DataFrame([[1, 2]], columns=[0, 1]),
    ],
    ids=["python-text", "object", "datetime", "text-index", "number-names"],
)
def test_a_frame_arrow_would_change_goes_as_it_is(frame: pd.DataFrame) -> None:
    folder = _handoff_folder()
    try:
        assert _SharedFrame.put(frame, folder) is frame
        assert os.listdir(folder) == []
        assert _SharedFrame.take(frame) is frame
    finally:
        shutil.rmtree(folder)


def _pool_name(_: int) -> str:
    import pyarrow as pa

    return str(pa.default_memory_pool().backend_name)


def test_workers_keep_freed_memory_and_the_caller_keeps_its_allocator(small_model_path: Path) -> None:
    import pyarrow as pa

    from detector.accounts.model import load_model
    from detector.accounts.score import _Scorer
    from detector.dates import DateRules

    before = pa.default_memory_pool().backend_name
    with _Scorer(load_model(small_model_path), 2, DateRules(), None) as scorer:
        assert scorer.pool is not None and scorer.handoff is not None and os.path.isdir(scorer.handoff)
        assert set(scorer.pool.map(_pool_name, range(4))) == {"system"}
        folder = scorer.handoff
    assert pa.default_memory_pool().backend_name == before
    assert not os.path.exists(folder)


def test_a_frame_goes_as_it_is_when_the_folder_cannot_take_it(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": pd.array(["x", "y"], dtype=ARROW_TEXT)})
    assert _SharedFrame.put(frame, str(tmp_path / "gone")) is frame  # no such folder
    assert list(tmp_path.iterdir()) == []
