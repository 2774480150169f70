"""The model registry: every trained account model kept by version, with its card, and the one in use.

Layout, under the data folder (:func:`detector.io.default_data_dir`, i.e. ``$DETECTOR_DATA_DIR``,
else ``$XDG_DATA_HOME/detector``, else ``~/.local/share/detector``; ``$DETECTOR_HOME`` overrides it
for the registry alone)::

    <home>/models/<version>/account-model.npz          the model: plain arrays (never pickle)
    <home>/models/<version>/account-model.card.json    the model card
    <home>/models/CURRENT                              the version in use (written atomically)

:func:`current_model_path` is what :func:`detector.accounts.model.load_model` asks when no model is named,
so a model registered in a notebook and chosen with :func:`use` (or registered with
``make_current=True``) is the one ``detector score``, ``detector posts`` and ``detector run`` (cron)
load from then on, with no file copied by hand. Without ``CURRENT`` the packaged model is used.

Versions are immutable: registering never overwrites a stored version. The registry enriches each
card with what a reader needs before trusting it: the intended use, the limitations and the risk
of false positives on real people.

This module owns the registry folder. It never trains, and never scores.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detector.errors import ModelError
from detector.io import atomic_path, default_data_dir

if TYPE_CHECKING:
    from detector.accounts.model import AccountModel

log = logging.getLogger(__name__)

HOME_ENV = "DETECTOR_HOME"
MODEL_FILE = "account-model.npz"
CURRENT_FILE = "CURRENT"
PACKAGED = "packaged"
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

LIMITATIONS = (
    "Trained on public Twitter collections from 2010-2019 (see the card's training collections: "
    "cresci-2015/2017 spambots and fake followers, Bot Repository sets, honeypot content polluters, "
    "verified and ordinary humans). Profiles are mostly English and Italian; other languages and "
    "platforms are less well covered. It sees the profile only (counts, age, names, defaults), not "
    "posts or the network, so state-backed trolls and political bots with human-looking profiles "
    "often score low. On collections it never saw it does much worse than inside its training "
    "collections: the card's 'unseen_collections' figures (nested leave-one-collection-out, "
    "EVALUATION.md) are the honest estimate, and the worst collection there is near chance."
)
FALSE_POSITIVE_RISK = (
    "A 'suspicious' label can land on a real person. Known patterns that score high although "
    "genuine: news, organisational and broadcast accounts that like nothing (0 likes) and follow "
    "few while their audience is small (the broadcaster prior takes that suspicion away in full only "
    "from 10,000 followers, in part from 100), or that follow back thousands; new accounts; "
    "accounts with default profiles or digit-heavy handles. Scores "
    "are calibrated on a balanced 50% prior: where inauthentic accounts are rarer than half of a "
    "list, the share of 'suspicious' accounts that are actually genuine is higher than the "
    "card's out-of-fold precision. Never act on the score alone: read the reasons and the "
    "account, and treat 'uncertain' as 'the model does not know'."
)


@dataclass(frozen=True)
class ModelEntry:
    """One stored model, as listed by :func:`list_models`."""

    version: str
    path: Path
    created_at: str
    registered_at: str
    current: bool
    accounts: int
    collections: str
    roc_auc: float | None
    notes: str
    #: What ``roc_auc`` measures: "cross-collection" (each collection scored by a model fitted
    #: without it, on the training collections) or "out-of-fold" (5-fold, fewer than 3 collections).
    roc_auc_scope: str = "out-of-fold"
    #: Nested leave-one-collection-out mean and worst ROC-AUC, when the card records them.
    unseen_roc_auc_mean: float | None = None
    unseen_roc_auc_worst: float | None = None


def home(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds ``models/``: ``path``, else ``$DETECTOR_HOME``, else the data folder."""
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()

    return default_data_dir()


def models_dir(home_dir: str | os.PathLike[str] | None = None) -> Path:
    return home(home_dir) / "models"


def model_path(version: str, home_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where version ``version`` keeps its model file (whether or not it exists)."""
    _check_version(version)
    return models_dir(home_dir) / version / MODEL_FILE


def current_version(home_dir: str | os.PathLike[str] | None = None) -> str | None:
    """The version named in ``CURRENT``, or None when the packaged model is in use."""
    marker = models_dir(home_dir) / CURRENT_FILE
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ModelError(f"cannot read the registry's current model marker {marker}: {exc}") from exc
    return text or None


def current_model_path(home_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The model file of the version in use, or None to use the packaged model.

    Raises
    ------
    ModelError
        ``CURRENT`` names a version that is not stored (removed by hand, or a typo).
    """
    version = current_version(home_dir)
    if version is None:
        return None
    path = model_path(version, home_dir)
    if not path.exists():
        raise ModelError(
            f"the registry's current model {version!r} is missing ({path}): choose another with "
            "`detector models use VERSION` or go back to the shipped one with `detector models use packaged`"
        )
    return path


def enrich_card(card: dict[str, Any], *, notes: str | None = None) -> dict[str, Any]:
    """A copy of ``card`` with intended use, limitations, false-positive risk and notes filled in."""
    out = dict(card)
    out.setdefault(
        "intended_use",
        "Rank and triage public social-media accounts for human review. Not for automated "
        "enforcement: a 'suspicious' label is a reason to look, not proof.",
    )
    out.setdefault("limitations", LIMITATIONS)
    out.setdefault("false_positive_risk", FALSE_POSITIVE_RISK)
    if notes is not None:
        out["notes"] = notes
    return out


def register(
    model: Any,
    *,
    notes: str | None = None,
    make_current: bool = False,
    home_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Store ``model`` (a :class:`detector.accounts.model.AccountModel`) under its version; return the version.

    The version is the model's own (``acct-<UTC time>``); a second model trained in the same second
    gets ``-2``, ``-3``… appended. Nothing stored is ever overwritten.

    Parameters
    ----------
    model : AccountModel
        A trained model (from :func:`detector.accounts.model.train` or :func:`detector.accounts.model.load_model`).
    notes : str, optional
        Free text kept in the card: who trained it, on which labels, why.
    make_current : bool
        Also make it the model in use (as :func:`use` does).
    home_dir : path, optional
        The registry's home (default: :func:`home`).
    """
    from detector.accounts.model import AccountModel, save_model

    if not isinstance(model, AccountModel):
        raise ModelError(f"only a detector AccountModel can be registered, not {type(model).__name__}")
    base = model.version
    _check_version(base)
    root = models_dir(home_dir)
    version, n = base, 1
    while (root / version).exists():
        n += 1
        version = f"{base}-{n}"
    card = enrich_card(model.card, notes=notes)
    card["model_version"] = version
    card["registered_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    stored = AccountModel(model.explainer, model.bigrams, model.calibration, card, groups=model.groups)
    # Write into a hidden folder first, then rename: a half-written version is never listed.
    tmp = root / f".{version}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        save_model(stored, tmp / MODEL_FILE)
        os.replace(tmp, root / version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("registered model %s in %s", version, root)
    if make_current:
        use(version, home_dir=home_dir)
    return version


def add_file(path: str | os.PathLike[str], *, notes: str | None = None, make_current: bool = False, home_dir: str | os.PathLike[str] | None = None) -> str:
    """Register a model file written elsewhere (e.g. by ``detector train -o``), after loading it."""
    from detector.accounts.model import load_model

    return register(load_model(Path(path)), notes=notes, make_current=make_current, home_dir=home_dir)


def use(version: str | None, *, home_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Make ``version`` the model in use; ``None`` or ``"packaged"`` goes back to the shipped model.

    Returns the model file now in use (None for the packaged model). The model is loaded first,
    so a broken or untrusted version is refused before anything changes.
    """
    root = models_dir(home_dir)
    marker = root / CURRENT_FILE
    if version is None or version == PACKAGED:
        if marker.exists():
            marker.unlink()
        log.info("registry: back to the packaged model")
        return None
    path = model_path(version, home_dir)
    if not path.exists():
        known = ", ".join(e.version for e in list_models(home_dir)) or "none"
        raise ModelError(f"no model {version!r} in the registry {root} (stored: {known})")
    from detector.accounts.model import load_model

    load_model(path)
    with atomic_path(marker) as tmp:
        tmp.write_text(version + "\n", encoding="utf-8")
    log.info("registry: model %s in use", version)
    return path


def list_models(home_dir: str | os.PathLike[str] | None = None) -> list[ModelEntry]:
    """Every stored version, oldest first, with the headline facts of its card."""
    root = models_dir(home_dir)
    if not root.is_dir():
        return []
    current = current_version(home_dir)
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        card = _read_card(folder / MODEL_FILE)
        if card is None:
            log.warning("registry: %s has no readable card, skipped", folder)
            continue
        training = card.get("training", {})
        collections = training.get("collections", {})
        metrics = card.get("metrics_out_of_fold", {})
        out.append(
            ModelEntry(
                version=folder.name,
                path=folder / MODEL_FILE,
                created_at=str(card.get("created_at", "")),
                registered_at=str(card.get("registered_at", "")),
                current=folder.name == current,
                accounts=int(training.get("accounts", 0)),
                collections=", ".join(f"{k} {v}" for k, v in collections.items()),
                roc_auc=metrics.get("roc_auc"),
                notes=str(card.get("notes", "")),
                roc_auc_scope="cross-collection" if str(card.get("metrics_scope", "")).startswith("cross") else "out-of-fold",
                unseen_roc_auc_mean=card.get("unseen_collections", {}).get("roc_auc_mean"),
                unseen_roc_auc_worst=card.get("unseen_collections", {}).get("roc_auc_worst"),
            )
        )
    return sorted(out, key=lambda e: (e.created_at, e.version))


def show(version: str | None = None, *, home_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The card of ``version`` (``None``/``"current"``: the model in use; ``"packaged"``: the shipped one)."""
    from detector.accounts.model import PACKAGE_MODEL

    if version in (None, "current"):
        path = current_model_path(home_dir) or PACKAGE_MODEL
    elif version == PACKAGED:
        path = PACKAGE_MODEL
    else:
        path = model_path(version, home_dir)
    card = _read_card(path)
    if card is None:
        raise ModelError(f"no model {version!r} in the registry {models_dir(home_dir)}")
    return enrich_card(card)


def card_markdown(card: dict[str, Any]) -> str:
    """A model card as Markdown: data, metrics, intended use, limitations, false-positive risk."""
    training = card.get("training", {})
    lines = [
        f"# Model card: {card.get('model_version')}",
        "",
        f"Created {card.get('created_at')}; registered {card.get('registered_at', 'n/a')}; "
        f"code {card.get('code_version', 'unknown')}; features v{card.get('feature_version')}.",
        "",
        "## Data",
        f"{training.get('accounts', 0):,} accounts, {training.get('inauthentic', 0):,} inauthentic.",
    ]
    for name, n in training.get("collections", {}).items():
        lines.append(f"- {name}: {n:,}")
    for name, digest in training.get("data_sha256", {}).items():
        lines.append(f"- sha256 {name}: `{digest}`")
    if "analyst_labels" in card:
        lines.append(f"- analyst labels: {json.dumps(card['analyst_labels'])}")
    unseen = card.get("unseen_collections")
    lines += ["", "## On collections it never saw (nested leave-one-collection-out)"]
    if unseen:
        lines.append(
            f"ROC-AUC mean {unseen.get('roc_auc_mean')} and worst {unseen.get('roc_auc_worst')} "
            f"({unseen.get('worst_collection')}) over {unseen.get('collections')} held-out collections; "
            f"RF-300 peer mean {unseen.get('peer_roc_auc_mean', 'n/a')}. {unseen.get('note', '')}".rstrip()
        )
        for k, v in unseen.items():
            if k not in ("note",):
                lines.append(f"- {k}: {v}")
    else:
        lines.append("Not measured for this model: see EVALUATION.md for the shipped procedure.")
    lines += ["", f"## Metrics ({card.get('metrics_scope', '5-fold out-of-fold, balanced')})"]
    for key in ("metrics_out_of_fold", "thresholds_out_of_fold_balanced"):
        for k, v in card.get(key, {}).items():
            lines.append(f"- {k}: {v}")
    lines += [
        "",
        f"Thresholds: {card.get('threshold_rule', card.get('thresholds'))}.",
        "",
        "## Intended use",
        str(card.get("intended_use", "")),
        "",
        "## Limitations",
        str(card.get("limitations", "")),
        "",
        "## Risk of false positives on real people",
        str(card.get("false_positive_risk", "")),
    ]
    if card.get("notes"):
        lines += ["", "## Notes", str(card["notes"])]
    return "\n".join(lines) + "\n"


def _read_card(path: Path) -> dict[str, Any] | None:
    from detector.accounts.model import card_path

    cpath = card_path(path)
    if not cpath.exists():
        return None
    try:
        card = json.loads(cpath.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelError(f"model card {cpath} is not valid JSON: {exc}") from exc
    return card if isinstance(card, dict) else None


def _check_version(version: str) -> None:
    # A version becomes a folder name: refuse anything that could climb out of the registry.
    if not _VERSION_RE.match(version or ""):
        raise ModelError(f"{version!r} is not a model version (letters, digits, '.', '_', '-')")


def default_model_path() -> Path:
    """The registry's chosen model when a registry is set up, else the packaged model."""
    from detector.accounts.model import PACKAGE_MODEL

    current = current_model_path()
    return Path(current) if current is not None else PACKAGE_MODEL


def load_current_model(path: str | Path | None = None) -> AccountModel:
    """Load ``path``, or with no path the registry's chosen model (else the packaged one)."""
    from detector.accounts.model import load_model

    return load_model(default_model_path() if path is None else path)
