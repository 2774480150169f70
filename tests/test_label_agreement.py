"""The second reading of the call labels (datasets/calls/second_reading.csv) and bench/label_agreement.py."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
SECOND = ROOT / "datasets" / "calls" / "second_reading.csv"
# Cohen's kappa of the two readings over all 738 posts (both batches): 210 / 8 / 5 / 515.
_PE = (218 / 738) * (215 / 738) + (520 / 738) * (523 / 738)
KAPPA = (725 / 738 - _PE) / (1 - _PE)
needs_shared = pytest.mark.skipif(
    not (SHARED / "balkan-posts" / "calls_labelled_dev.csv").exists(),
    reason="../shared/datasets is not here",
)


def _bench():
    spec = importlib.util.spec_from_file_location(
        "label_agreement", ROOT / "bench" / "label_agreement.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cohen_kappa_by_hand():
    a = [1, 1, 0, 0, 1, 0, 0, 0]
    b = [1, 0, 0, 0, 1, 0, 1, 0]
    # observed 6/8; chance (3/8)(3/8) + (5/8)(5/8) = 34/64; kappa (0.75 - 0.53125) / 0.46875
    assert _bench().cohen_kappa(np.array(a), np.array(b)) == pytest.approx(0.466667, abs=1e-6)
    # weights: counting the first pair twice is the same as repeating it
    w = [2, 1, 1, 1, 1, 1, 1, 1]
    assert _bench().cohen_kappa(np.array(a), np.array(b), np.array(w)) == pytest.approx(
        _bench().cohen_kappa(np.array([1, *a]), np.array([1, *b]))
    )
    assert np.isnan(_bench().cohen_kappa(np.array([0, 0]), np.array([0, 0])))


def test_wilson_interval():
    lo, hi = _bench().wilson(3, 250)
    assert lo == pytest.approx(0.0041, abs=2e-4)
    assert hi == pytest.approx(0.0347, abs=2e-4)


def test_second_reading_holds_ids_and_labels_only():
    s = pd.read_csv(SECOND, dtype={"post_id": str})
    assert list(s.columns) == ["post_id", "source", "is_call", "labeller", "method", "notes"]
    assert len(s) == 738 and s.post_id.is_unique
    assert set(s.is_call) == {0, 1} and int(s.is_call.sum()) == 215
    assert set(s.labeller) == {"h41"}
    assert set(s.source) == {"albanian_dialect", "mozetic", "blokade", "ira"}
    assert s.method.str.startswith("second reading, blind").all()
    notes = s.notes.dropna()
    # notes are short reasons in h41's words, never a post's text
    assert notes.str.len().max() < 120
    # no quotation marks in the notes of balkan-posts (an apostrophe inside a word is not one)
    assert (
        not notes[s.source[notes.index] != "ira"]
        .str.contains(r"[\"\u201c\u201d\u2018]|(?:^|\s)'")
        .any()
    )
    assert notes.str.startswith("unsure:").sum() == 98
    assert s.method.str.contains("batch 2,", regex=False).sum() == 284


def test_every_second_reading_post_is_a_labelled_post():
    s = pd.read_csv(SECOND, dtype={"post_id": str})
    labels = set(
        pd.read_csv(ROOT / "datasets" / "calls" / "labels.csv", dtype={"post_id": str}).post_id
    )
    in_labels = s.post_id.isin(labels)
    assert in_labels.sum() == 626
    # the others are dev-set posts: ids of the three balkan-posts files, never IRA rows
    assert not s.post_id[~in_labels].str.startswith("ira-").any()


@needs_shared
def test_agreement_figures_from_the_files():
    b = _bench()
    j, pool = b.joined()
    assert len(pool) == 16906 and int(pool["first"].sum()) == 237  # session 14: h92's 7,318 rows (5 calls) added
    r = b.agreement(j, n_boot=0)
    assert (r["both1"], r["f1s0"], r["f0s1"], r["both0"]) == (210, 8, 5, 515)
    assert r["kappa"] == pytest.approx(KAPPA, abs=1e-4)
    assert set(j.post_id[j["first"] != j["second"]]) == set(b.DISAGREEMENTS)
    assert set(b.OWN_ERRORS) <= set(b.DISAGREEMENTS)
    held = j[j.heldout]
    assert (
        int(held["first"].sum()) == int(pool[pool.heldout]["first"].sum()) == 63
    )  # every held-out call was read again


@needs_shared
def test_notes_do_not_copy_the_texts():
    s = pd.read_csv(SECOND, dtype={"post_id": str})
    texts = {}
    for name in (
        "albanian_dialect_tweets.csv",
        "mozetic_tweets_sr_sq_bs_hr.csv",
        "blokade_org_student_protest_posts.csv",
    ):
        f = pd.read_csv(
            SHARED / "balkan-posts" / name, dtype={"post_id": str}, usecols=["post_id", "text"]
        )
        texts.update(zip(f.post_id, f.text.astype(str).str.lower(), strict=True))
    for pid, note in zip(s.post_id, s.notes, strict=True):
        if pid.startswith("ira-") or not isinstance(note, str):
            continue
        words = re.findall(r"\w+", note.lower())
        for i in range(len(words) - 3):
            assert " ".join(words[i : i + 4]) not in " ".join(re.findall(r"\w+", texts[pid])), (
                pid,
                note,
            )


@needs_shared
def test_evaluation_section_is_the_script_output():
    b = _bench()
    md = b.markdown(*b.joined())
    text = (ROOT / "EVALUATION.md").read_text(encoding="utf-8")
    start = text.index(b.HEADING)
    end = text.find("\n## ", start + 1)
    assert text[start : end if end > 0 else None].strip() == md.strip()


@pytest.mark.skipif(
    not (SHARED / "ira-2018" / "tweets.parquet").exists(), reason="../shared/datasets is not here"
)
def test_the_draw_gives_the_sample_that_was_read(tmp_path):
    b = _bench()
    d = b.labelled_texts()
    s = b.draw(d)
    s2 = b.draw_batch2(d, s)
    second = pd.read_csv(SECOND, dtype={"post_id": str})
    stratum = dict(
        zip(second.post_id, second.method.str.extract(r"stratum: (.*)$")[0], strict=True)
    )
    in_2 = set(second.post_id[second.method.str.contains("batch 2,", regex=False)])
    assert len(s) == 454 and len(s2) == 284 and set(s.post_id) | set(s2.post_id) == set(stratum)
    assert set(s2.post_id) == in_2
    assert all(stratum[p] == st for p, st in zip(s.post_id, s.stratum, strict=True))
    assert all(
        stratum[p] + " (batch 2)" == st for p, st in zip(s2.post_id, s2.stratum, strict=True)
    )
    assert pd.concat([s, s2]).key_text.is_unique  # one post per distinct text, across the batches
    assert s2.key.min() == 1001
    with pytest.raises(ValueError, match="inside the repository"):
        b.write_blind(s, ROOT / "scratch")
    b.write_blind(s.head(3), tmp_path)
    assert len((tmp_path / "blind.txt").read_text(encoding="utf-8").splitlines()) == 3
    assert "is_call" in (tmp_path / "key.csv").read_text().splitlines()[0]
