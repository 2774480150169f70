"""Where in the text the extraction cut its time and place, and the held-out span measure of bench/extract_eval.py.

Sentences written for these tests (no text of balkan-posts). The spans below are counted by hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from detector.posts.extract import extract_one, extract_spans

POSTED = pd.Timestamp("2025-05-14 09:00", tz="UTC")  # a Wednesday, 11:00 in Belgrade


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "extract_eval.py"
    spec = importlib.util.spec_from_file_location("extract_eval_for_span_tests", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "lang", "when_spans", "where_span"),
    [
        # "Protest sutra u 18h ispred Skupštine": sutra u 18h = 8..19, ispred Skupštine = 20..36
        ("Protest sutra u 18h ispred Skupštine", "sr", [(8, 19)], (20, 36)),
        # a day and a clock time written apart are two parts: Nesër = 0..5, në orën 18 = 29..39
        ("Nesër protestë para Komunës, në orën 18!", "sq", [(0, 5), (29, 39)], (15, 27)),
        # nothing written: no spans
        ("Dođite na protest!", "sr", [], None),
    ],
)
def test_extract_spans_gives_the_offsets_of_what_it_cut(
    text: str, lang: str, when_spans: list[tuple[int, int]], where_span: tuple[int, int] | None
) -> None:
    got = extract_spans(text, POSTED, lang)
    assert got["when_spans"] == when_spans
    assert got["where_span"] == where_span
    # the strings are cut from those offsets, and extract_one gives the same five columns
    assert got["when"] == " … ".join(text[a:b] for a, b in when_spans)
    assert got["where"] == (text[where_span[0] : where_span[1]] if where_span else "")
    one = extract_one(text, POSTED, lang)
    assert {k: got[k] for k in one} == one


def test_the_span_measure_counts_overlap_exact_and_timestamps() -> None:
    bench = _bench()
    texts = {
        # labelled: time "Nesër në orën 18" (0..16), place "para Komunës" (17..29); found: the same time,
        # and "para Komunës protestë" (17..38) for the place: overlap, not exact
        "a": ("Nesër në orën 18 para Komunës protestë", "sq"),
        # labelled: time "Tomorrow" (0..8) and "at 5pm" (24..30), place "in front of City Hall" (31..52);
        # found: the same (the time's two parts, each exact)
        "b": ("Tomorrow we rally. Come at 5pm in front of City Hall", "en"),
        # labelled: no time, place "na uglu kod pekare" (12..30); found nothing (no name, no kind of place)
        "c": ("Svi zajedno na uglu kod pekare, dođite!", "sr"),
    }
    posts = pd.DataFrame(
        {"text": [t for t, _ in texts.values()], "lang": [lg for _, lg in texts.values()],
         "created_at": ["2025-05-14 09:00:00+00:00", "2025-05-14 09:00:00+00:00", None],
         "source": ["ira", "ira", "mozetic"]},
        index=list(texts),
    )  # fmt: skip
    rows = [
        ("a", "when", 0, 16, "protest", "2025-05-15 18:00"), ("a", "where", 17, 29, "protest", None),
        ("b", "when", 0, 8, "rally", "2025-05-15 17:00"), ("b", "when", 24, 30, "rally", "2025-05-15 17:00"),
        ("b", "where", 31, 52, "rally", None),
        ("c", "when", None, None, "gathering", None), ("c", "where", 12, 30, "gathering", None),
    ]  # fmt: skip
    spans = pd.DataFrame(rows, columns=["post_id", "field", "start", "end", "event_kind", "when_local"])
    spans[["start", "end"]] = spans[["start", "end"]].astype("Int64")
    spans["method"] = spans["post_id"].map({"a": "read", "b": "read; second batch: after the changes", "c": "read"})
    # the hand-counted offsets are the words meant
    assert [texts[p][0][s:e] for p, _, s, e, *_ in rows if s is not None] == [
        "Nesër në orën 18", "para Komunës", "Tomorrow", "at 5pm", "in front of City Hall", "na uglu kod pekare",
    ]  # fmt: skip
    per_call = bench.measure_spans(spans, posts).set_index("post_id")
    # "b" is English and names no zone and no US place: its "at 5pm" is not resolved (session 12), no timestamp given
    assert per_call[["when_overlap", "when_exact", "where_overlap", "where_exact", "ts_label", "ts_ok", "ts_given"]].to_dict("index") == {
        "a": {"when_overlap": True, "when_exact": True, "where_overlap": True, "where_exact": False, "ts_label": True, "ts_ok": True, "ts_given": True},
        "b": {"when_overlap": True, "when_exact": True, "where_overlap": True, "where_exact": True, "ts_label": True, "ts_ok": False, "ts_given": False},
        "c": {"when_overlap": False, "when_exact": False, "where_overlap": False, "where_exact": False, "ts_label": False, "ts_ok": False, "ts_given": False},
    }  # fmt: skip
    # groups: an IRA post, an IRA post of the second batch, a Serbian post of the 2013-14 tweets
    assert per_call["group"].tolist() == ["English, IRA (new calls)", "English, IRA (2nd batch)",
                                          "Bosnian, Croatian, student-protest site (labels.csv calls)"]  # fmt: skip
    assert per_call["event_ok"].tolist() == [True, True, False]  # "c" names no time or place the rules know: no kind
    table = bench.held_out_table(per_call.reset_index()).set_index("group")
    assert table.loc["all", ["calls", "time P overlap", "time R overlap", "place P exact", "place R exact", "timestamp right"]].tolist() == [
        3, "2/2", "2/2", "1/2", "1/3", "1/2",
    ]  # fmt: skip
    assert "| all | 3 | 2/3 |" in bench.held_section(table.reset_index())


def test_a_changed_text_is_not_measured(tmp_path: Path) -> None:
    # The offsets are only meaningful on the text labelled: its SHA-256 prefix is checked.
    import hashlib

    bench = _bench()
    (tmp_path / "balkan-posts").mkdir()
    (tmp_path / "balkan-posts" / "mozetic_tweets_sr_sq_bs_hr.csv").write_text(
        "post_id,author_id,text,created_at,lang\n1,,Protest sutra u 18h,2014-02-20T12:03:28Z,sr\n", encoding="utf-8"
    )
    sha = hashlib.sha256(b"Protest sutra u 18h").hexdigest()[:16]
    spans = pd.DataFrame({"post_id": ["1"], "source": ["mozetic"], "text_sha256": [sha]})
    posts = bench.held_out_posts(spans, tmp_path)
    assert posts.loc["1", ["text", "lang", "source"]].tolist() == ["Protest sutra u 18h", "sr", "mozetic"]
    with pytest.raises(ValueError, match="1 labelled texts differ"):
        bench.held_out_posts(spans.assign(text_sha256="0" * 16), tmp_path)
    with pytest.raises(ValueError, match="not found"):
        bench.held_out_posts(spans.assign(post_id="2"), tmp_path)


SPANS = Path(__file__).resolve().parents[1] / "datasets" / "calls" / "extract_spans.csv"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def test_the_span_file_holds_offsets_and_labels_only() -> None:
    spans = pd.read_csv(SPANS, dtype={"start": "Int64", "end": "Int64"}, keep_default_na=False, na_values={"start": [""], "end": [""]})
    assert list(spans.columns) == ["post_id", "source", "field", "start", "end", "event_kind", "when_local", "text_sha256", "labeller", "method"]
    assert set(spans["field"]) == {"when", "where"} and set(spans["labeller"]) == {"h39", "h43", "h47", "h51"}
    assert set(spans["source"]) <= {"albanian_dialect", "mozetic", "blokade", "ira"}
    assert set(spans["event_kind"]) <= {"protest", "march", "rally", "blockade", "strike", "gathering", "other", "none"}
    marked = spans.dropna(subset=["start"])
    assert (marked["start"] < marked["end"]).all() and (marked["start"] >= 0).all()
    # every call has a when row and a where row (an empty span when it names none)
    assert (spans.groupby("post_id")["field"].agg(lambda f: set(f) == {"when", "where"})).all()
    # a meant time is a day or a day and a clock time, on when rows only
    meant = spans.loc[spans["when_local"] != "", ["field", "when_local"]]
    assert set(meant["field"]) == {"when"} and meant["when_local"].str.fullmatch(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d)?").all()
    assert spans["post_id"].nunique() == 248
    # session 9's fourth batch (h43): 72 calls, labelled before that session's changes to the extraction
    assert spans.loc[spans["labeller"] == "h43", "post_id"].nunique() == 72
    # session 9's fifth batch (h47): 37 calls, labelled before h47's changes to the extraction
    assert spans.loc[spans["labeller"] == "h47", "post_id"].nunique() == 37
    # session 10's sixth batch (h51): 40 IRA calls, labelled before h51's changes to the extraction
    assert spans.loc[spans["labeller"] == "h51", "post_id"].nunique() == 40


@pytest.mark.skipif(not (SHARED / "ira-2018" / "tweets.parquet").exists(), reason="../shared/datasets is not here")
def test_the_labelled_texts_are_the_ones_in_shared() -> None:
    spans = pd.read_csv(SPANS, dtype={"start": "Int64", "end": "Int64"})
    posts = _bench().held_out_posts(spans, SHARED)  # raises when a text changed or is missing
    ends = spans.dropna(subset=["end"]).groupby("post_id")["end"].max()
    assert (posts.loc[ends.index, "text"].str.len() >= ends).all()


def test_the_fourth_batch_is_grouped_by_language_and_copies_of_older_texts_are_left_out() -> None:
    # Synthetic posts: "old" of an older batch; "rt" of the fourth batch is its retweet (a copy: no
    # held-out call); "new" of the fourth batch, an IRA post.
    bench = _bench()
    posts = pd.DataFrame(
        {"text": ["Protest sutra u 18h", "RT @x: protest  sutra u 18h", "Rally tomorrow at 5pm"], "lang": ["sr", "sr", "en"],
         "created_at": [None, None, "2025-05-14 09:00:00+00:00"], "source": ["mozetic", "mozetic", "ira"]},
        index=["old", "rt", "new"],
    )  # fmt: skip
    spans = pd.DataFrame(
        [("old", "when", 8, 19, "protest", None), ("rt", "when", 16, 27, "protest", None), ("new", "when", 6, 21, "rally", "2025-05-15 17:00")],
        columns=["post_id", "field", "start", "end", "event_kind", "when_local"],
    )  # fmt: skip
    spans[["start", "end"]] = spans[["start", "end"]].astype("Int64")
    spans["method"] = ["read", "read; fourth batch (h43)", "read; fourth batch (h43)"]
    per_call = bench.measure_spans(spans, posts).set_index("post_id")
    assert per_call["group"].to_dict() == {"old": "Bosnian, Croatian, student-protest site (labels.csv calls)",
                                           "rt": "4th: text also in an older batch", "new": "4th: English, IRA"}  # fmt: skip
    fourth = bench.held_out_table(per_call[per_call["group"].str.startswith("4th")].reset_index(), "4th batch, held out").set_index("group")
    assert fourth["calls"].to_dict() == {"4th: English, IRA": 1, "4th: text also in an older batch": 1, "4th batch, held out": 1}


def test_the_fifth_batch_has_its_own_groups_and_leaves_copies_out() -> None:
    # Synthetic posts: "old" of an older batch; "copy" of the fifth batch has its text; "new" of the fifth batch, an IRA post.
    bench = _bench()
    posts = pd.DataFrame(
        {"text": ["Protest sutra u 18h", "protest sutra  u 18h", "Rally tomorrow at 5pm ET"], "lang": ["sq", "sq", "en"],
         "created_at": [None, None, "2025-05-14 09:00:00+00:00"], "source": ["albanian_dialect", "albanian_dialect", "ira"]},
        index=["old", "copy", "new"],
    )  # fmt: skip
    spans = pd.DataFrame(
        [("old", "when", 8, 19, "protest", None), ("copy", "when", 8, 20, "protest", None), ("new", "when", 6, 24, "rally", "2025-05-15 17:00")],
        columns=["post_id", "field", "start", "end", "event_kind", "when_local"],
    )  # fmt: skip
    spans[["start", "end"]] = spans[["start", "end"]].astype("Int64")
    spans["method"] = ["read", "read; fifth batch (h47)", "read; fifth batch (h47)"]
    per_call = bench.measure_spans(spans, posts).set_index("post_id")
    assert per_call["group"].to_dict() == {"old": "Albanian (labels.csv calls)", "copy": "5th: text also in an older batch", "new": "5th: English, IRA"}
    fifth = bench.held_out_table(per_call[per_call["group"].str.startswith("5th")].reset_index(), "5th batch, held out").set_index("group")
    assert fifth["calls"].to_dict() == {"5th: English, IRA": 1, "5th: text also in an older batch": 1, "5th batch, held out": 1}
    assert fifth.loc["5th batch, held out", "timestamp right"] == "1/1"


def test_the_sixth_batch_has_its_own_groups_and_leaves_copies_out() -> None:
    # Synthetic posts: "old" of the fifth batch; "copy" of the sixth batch has its text; "new" of the sixth batch, an IRA post.
    bench = _bench()
    posts = pd.DataFrame(
        {"text": ["Rally on Saturday at 5pm", "RT @x: rally on  Saturday at 5pm", "Vigil tonight at 8 PM ET"], "lang": ["en", "en", "en"],
         "created_at": [None, None, "2025-05-14 09:00:00+00:00"], "source": ["ira", "ira", "ira"]},
        index=["old", "copy", "new"],
    )  # fmt: skip
    spans = pd.DataFrame(
        [("old", "when", 9, 24, "rally", None), ("copy", "when", 16, 32, "rally", None), ("new", "when", 6, 24, "other", "2025-05-14 20:00")],
        columns=["post_id", "field", "start", "end", "event_kind", "when_local"],
    )  # fmt: skip
    spans[["start", "end"]] = spans[["start", "end"]].astype("Int64")
    spans["method"] = ["read; fifth batch (h47)", "read; sixth batch (h51)", "read; sixth batch (h51)"]
    per_call = bench.measure_spans(spans, posts).set_index("post_id")
    assert per_call["group"].to_dict() == {"old": "5th: English, IRA", "copy": "6th: text also in an older batch", "new": "6th: English, IRA"}
    sixth = bench.held_out_table(per_call[per_call["group"].str.startswith("6th")].reset_index(), bench.SIXTH_ALL).set_index("group")
    assert sixth["calls"].to_dict() == {"6th: English, IRA": 1, "6th: text also in an older batch": 1, "6th batch, held out": 1}
    # "Vigil tonight at 8 PM ET": the zone is in the span, which is exactly the labelled one, and the time is right
    assert sixth.loc["6th batch, held out", ["time R exact", "timestamp right"]].tolist() == ["1/1", "1/1"]


def test_a_second_reading_is_compared_span_for_span() -> None:
    # Synthetic: two calls read twice; the readers agree on the first, and differ on the second's place and hour.
    bench = _bench()
    posts = pd.DataFrame({"text": ["Rally tomorrow in Dallas", "Protest at 5pm at City Hall"]}, index=["a", "b"])
    rows = [("a", "when", 6, 14, "rally", "2025-05-15"), ("a", "where", 15, 24, "rally", None),
            ("b", "when", 8, 14, "protest", "2025-05-14 17:00"), ("b", "where", 15, 27, "protest", None)]  # fmt: skip
    cols = ["post_id", "field", "start", "end", "event_kind", "when_local"]
    first = pd.DataFrame(rows, columns=cols)
    second = pd.DataFrame([*rows[:3], ("b", "where", 18, 27, "protest", None)], columns=cols)
    second.loc[2, "when_local"] = "2025-05-14 05:00"
    for df in (first, second):
        df[["start", "end"]] = df[["start", "end"]].astype("Int64")
    got = bench.second_reading(first, second, posts)
    assert got == "on the 2 calls read twice, the kind agrees on 2/2, the time spans on 2/2, the place spans on 1/2 and the meant day and hour on 1/2"


def test_the_second_reading_file_holds_offsets_of_spanned_calls_only() -> None:
    second = pd.read_csv(SPANS.with_name("extract_spans_second.csv"), dtype={"start": "Int64", "end": "Int64"})
    first = pd.read_csv(SPANS, dtype=str)
    assert list(second.columns) == list(first.columns) and set(second["labeller"]) == {"h51"}
    assert set(second["post_id"]) <= set(first.loc[first["labeller"] == "h43", "post_id"]) and second["post_id"].nunique() == 24
