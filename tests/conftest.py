"""Shared fixtures: the account fixture folder and small account models trained once per session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ACCOUNT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "accounts"
RAW_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session")
def accounts_dir() -> Path:
    """tests/fixtures/accounts: real rows copied from the published sets (see its README)."""
    return ACCOUNT_FIXTURES


# The collections the shared sample is drawn from, named so that a collection added to the shipped
# tables (ira-2018, counts only) does not shift every expected value of the tests that use it.
FIXTURE_COLLECTIONS = (
    "cresci-2017", "cresci-2015", "botwiki-2019", "verified-2019", "botometer-feedback-2019", "cresci-stock-2018",
    "pronbots-2019", "vendor-purchased-2019", "political-bots-2019", "caverlee-2011",
)  # fmt: skip


def _training_sample(per_group: int = 60) -> pd.DataFrame:
    """``per_group`` real accounts of each (collection, label) of the shipped training tables."""
    from detector.training import datasets

    try:
        table = datasets.load_training_table(collections=FIXTURE_COLLECTIONS)
    except Exception as exc:  # the tables ship with the repository; say so if they are gone
        pytest.skip(f"shipped training tables unavailable: {exc}")
    groups = [g.sample(min(len(g), per_group), random_state=0) for _, g in table.groupby(["collection", "label"])]
    return pd.concat(groups, ignore_index=True)


@pytest.fixture(scope="session")
def training_sample() -> pd.DataFrame:
    """900 real labelled accounts (60 per collection and class: 15 groups) from datasets/accounts."""
    return _training_sample()


# The shipped booster (min_samples_leaf=100, 100 slow rounds, strong L2) needs thousands of accounts:
# on a few hundred every tree would be a lone leaf, or two features would take every split. Tests
# change only the booster's size and pace; the features, the model family, the balanced
# resampling, the cross-collection calibration and the card are those of `detector.accounts.model.train`.
SMALL_BOOSTER = {"min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3, "l2_regularization": 1.0}


def _use_small_booster(mp: pytest.MonkeyPatch) -> None:
    from dataclasses import asdict, replace

    from detector.accounts import model

    def small(b: model.Booster) -> model.Booster:
        if b.kind == "blend":  # a blend's parts, each smaller
            return replace(b, parts=tuple(small(p) for p in b.parts))
        return model.Booster(**{**asdict(b), **SMALL_BOOSTER})

    # the shipped family (additive, trees of a given depth or their blend), only smaller and faster
    mp.setattr(model, "MODEL_BOOSTER", small(model.MODEL_BOOSTER))


@pytest.fixture
def small_booster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make :func:`detector.accounts.model.train` (and so `detector train`) build the small booster."""
    _use_small_booster(monkeypatch)


@pytest.fixture(scope="session")
def small_model(training_sample: pd.DataFrame):  # type: ignore[no-untyped-def]
    """The real :func:`detector.accounts.model.train` on 900 real accounts, with the small booster."""
    from threadpoolctl import threadpool_limits

    from detector.accounts import model

    # two OpenMP threads on two busy cores run slower than one
    with pytest.MonkeyPatch.context() as mp, threadpool_limits(1):
        _use_small_booster(mp)
        return model.train(training_sample, random_state=0, data_hashes={"test": "sample"})


@pytest.fixture(scope="session")
def small_model_path(small_model, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The small model saved with :func:`detector.accounts.model.save_model` (.npz + card)."""
    from detector.accounts.model import save_model

    return save_model(small_model, tmp_path_factory.mktemp("model") / "small.npz")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open a network connection (the account tests must work offline)."""
    import socket

    def refuse(self: socket.socket, address: object) -> None:
        raise RuntimeError(f"network access attempted in a test: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def calls_eval():  # type: ignore[no-untyped-def]
    """bench/calls_eval.py as a module (its rule and split helpers are tested; change its settings with monkeypatch)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("calls_eval_for_tests", Path(__file__).resolve().parents[1] / "bench" / "calls_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def extract_eval():  # type: ignore[no-untyped-def]
    """bench/extract_eval.py as a module (its per-call measure and its generated text are tested)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("extract_eval_fixture", Path(__file__).resolve().parents[1] / "bench" / "extract_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
