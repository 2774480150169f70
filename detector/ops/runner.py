"""The cron pipeline ``detector run``: collect, score, store and report one watch, safely.

This module owns the order of a run's stages, the run lock, resuming a run that was killed, and
what a run writes to the history store. One run of a watch:

1. **collect** — online, the watch's search query through :class:`detector.ops.collect.Collector`
   (``source`` = the watch's name, so its sightings and cursor are the watch's own); offline
   (``--from FILE``), the posts of an exported file that the watch covers, with the author
   profiles they carry (and ``--accounts FILE``), upserted into the store as seen by the watch
   (posts that came without ids get ids from their content: :func:`content_ids`);
2. **score** — the posts the watch saw within ``lookback`` of the run's start, analysed together
   (coordination needs the neighbours of a new post, not just the new post): the account model
   on the authors whose profiles are stored, :func:`detector.posts.coordination.find_clusters` with the
   watch's thresholds, and the post rule of :mod:`detector.posts.calls`;
3. **store** — in one transaction, the post scores, one score per author (the author table of
   :mod:`detector.posts.calls`: account model, coordination, templating and bursts together) and the
   clusters, all under the run's id and stamped with the run's start time;
4. **report** — :func:`detector.ops.report.load_report_store` then :func:`detector.ops.report.write_report`;
5. the run is marked finished.

Safe under cron
---------------
* A lock (``flock`` on ``<data dir>/locks/<watch>.lock``) makes a second run of the same watch
  raise :class:`~detector.errors.LockedError` at once (exit 75). The operating system releases
  an ``flock`` when its process dies, even by SIGKILL, so a stale lock never blocks the next run.
* A run killed at any point is resumed by the next one under the same run id
  (:meth:`detector.ops.store.Store.unfinished_run`). Every stage is idempotent: collection resumes
  from the stored cursor and upserts; the store stage is one transaction whose rows are keyed by
  the run id; scores and clusters carry the run's start time, so redoing a stage writes the same
  rows again; the report of a run has a name fixed by the run's data, so it is overwritten, not
  doubled.
* Import rejects (``--from``) go to one file per input content (:func:`import_rejects_stem`), not
  one per run, so reruns over the same file rewrite it instead of piling up files.
* Running again over the same data writes no score rows: a score (or cluster) is stored only
  when it is new or differs from the latest one stored for the watch within the lookback.

It never parses input shapes (readers do), never talks to the X API itself (the collector does),
never computes a score (the model, :mod:`detector.posts.calls` and :mod:`detector.posts.coordination` do) and
never configures logging handlers (the CLI does; :func:`log_file_handler` only builds one).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from detector import progress
from detector.errors import (
    ConfigError,
    DetectorError,
    EmptyInputError,
    LockedError,
    NothingScoredError,
)
from detector.io import Rejects, write_rejects
from detector.ops.store import DEFAULT_PLATFORM, Store, default_data_dir, open_store, utcnow
from detector.ops.watch import Watch, get_watch

if TYPE_CHECKING:
    from detector.ops.report import ReportPaths

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK = timedelta(hours=24)
LOCK_DIR = "locks"
LOG_FILE = Path("logs") / "detector.log"
REPORT_DIR = "reports"
# Versions of the two rules a run stores scores of (the account model's version is appended), raised whenever
# detector.posts.calls changes what a score means, so that stored scores of two rules are told apart.
# 2 (session 11): an account score held for too few fields counts for nothing (session 10); the account term is
# max(0, 2a - 1) with weight 1 (was the raw score, weight 0.7); likely-genuine only for an author the account
# model calls likely-genuine.
# posts-3 (session 12): urgency is time pressure only; words that address everyone ("everyone", "svi", "svima",
# "te gjithe", "vse") no longer count as urgent wording (9a4b2c3), which lowers the message term of posts whose only
# urgency word was one of them. The author rule has no message term, so authors-2 stands.
POST_RULE = "posts-3"
AUTHOR_RULE = "authors-2"


def author_model_version(account_scores: Any) -> str:
    """The author rule and the account model behind an author table's combined scores (its ``model_version``),
    as `detector run` stores them, so that a report made from the files can name the model."""
    versions = [] if account_scores is None or "model_version" not in account_scores.columns else account_scores["model_version"].dropna().unique().tolist()
    return f"{AUTHOR_RULE}+{versions[0] if versions else 'no-account-model'}"
# Fault injection for tests: the run pauses after the named point so that a test can SIGKILL it
# there. Points: collect, store (inside the store transaction, after the post scores), report.
PAUSE_ENV = "DETECTOR_RUN_PAUSE_AT"
PAUSE_POINTS = ("collect", "store", "report")
_ID_CHUNK = 500
# ``extra`` of a log record whose message is also the error raised right after it: the log file (all the operator
# reads under cron) keeps it, and the CLI, which prints the raised error as "error: …", leaves the record off the
# terminal (:class:`RaisedToo`), so that stderr says it once.
RAISED = {"raised": True}


class RaisedToo(logging.Filter):
    """Drops the records logged with :data:`RAISED`: for a terminal handler whose program prints the raised error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "raised", False)


def _duration(td: timedelta) -> str:
    """A lookback as the operator writes it: 24 h, 90 min, 45 s."""
    s = int(td.total_seconds())
    return f"{s // 3600} h" if s % 3600 == 0 else f"{s // 60} min" if s % 60 == 0 else f"{s} s"


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


@dataclass
class RunResult:
    """What one run did."""

    run_id: str
    watch: str
    resumed: bool = False
    collected: str = ""
    posts_analysed: int = 0
    post_scores_written: int = 0
    account_scores_written: int = 0
    clusters_written: int = 0
    clusters_found: int = 0
    # Flagged as the report flags them (the watch's thresholds, else the model's label; a held verdict never):
    # the summary (stdout, the log, the run's record) counted the label alone and said "0 suspicious" beside a
    # report that flagged posts and authors by the watch's thresholds.
    flagged_posts: int = 0
    flagged_accounts: int = 0
    lookalike_groups: int = 0  # look-alike groups across the analysed authors' profiles
    lookalike: bool = True  # whether they were looked for (--no-lookalike: not)
    report: ReportPaths | None = None
    rejects_path: str | None = None
    rejects_files: list[str] = field(default_factory=list)  # the inputs whose records are in rejects_path
    rejected: int = 0  # records of the import set aside (rejected), in rejects_path
    fields_ignored: int = 0  # fields of kept records read as missing, in rejects_path
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the operator (and the run's ``detail`` in the store)."""
        parts = [
            f"run {self.run_id} of watch '{self.watch}'" + (" (resumed)" if self.resumed else ""),
            self.collected,
            # Said here, in the run's record and the log, not only on stderr (which cron discards).
            f"{_n(self.rejected, 'record')} rejected and {_n(self.fields_ignored, 'field')} ignored on import: see {self.rejects_path}"
            if self.rejects_path
            else "",
            f"{self.posts_analysed} post(s) analysed, {self.flagged_posts} flagged",
            f"{self.flagged_accounts} flagged author(s)",
            f"{self.clusters_found} cluster(s)",
            f"{self.lookalike_groups} look-alike group(s) of authors" if self.lookalike_groups else "",
            f"{self.post_scores_written} post and {self.account_scores_written} author score(s) "
            f"and {self.clusters_written} cluster(s) stored (new or changed)",
        ]
        return "; ".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# Lock and log file


def lock_path(watch: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The lock file of ``watch``'s runs: ``<data dir>/locks/<watch>.lock``."""
    base = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    return base / LOCK_DIR / f"{watch}.lock"


@contextlib.contextmanager
def run_lock(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on ``path`` for the duration of the block.

    The lock belongs to the open file, so the operating system drops it when the process ends in
    any way (SIGKILL included): there is no stale lock to clean up. The file itself stays; it
    holds the pid and start time of the last holder, for the message a blocked run prints.

    Raises
    ------
    LockedError
        Another process holds the lock (the caller exits at once, code 75).
    ConfigError
        The lock file cannot be created.
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a symbolic link planted at the lock's path would have us truncate its target.
        fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if p.is_symlink():
            raise ConfigError(
                f"{p}: the run lock is a symbolic link; refusing to follow it (remove it if you did not make it)"
            ) from exc
        raise ConfigError(f"{p}: cannot create the run lock: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConfigError(f"{p}: the run lock is not a regular file; refusing to use it")
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
            message = f"another run holds the lock {p} ({holder}); exiting without doing anything"
            log.warning("%s", message, extra=RAISED)
            raise LockedError(message) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}\n".encode(), 0)
        yield p
    finally:
        os.close(fd)  # releases the flock


def log_file_handler(path: str | os.PathLike[str]) -> logging.Handler:
    """A handler appending to ``path`` (folder created) that tolerates logrotate moving the file.

    Lines carry the time, process id, level and logger. The CLI attaches it; library code never does.
    """
    import logging.handlers

    p = Path(path).expanduser()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.WatchedFileHandler(p, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot open the log file: {exc.strerror or exc}") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    return handler


# ---------------------------------------------------------------------------------------------
# The run


def run(
    watch_name: str,
    *,
    config: str | os.PathLike[str] | None = None,
    db: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    **options: Any,
) -> RunResult:
    """Run the pipeline for one watch under its lock: what ``detector run`` calls.

    Parameters
    ----------
    watch_name : str
        The watch, from ``config`` (default: ``watches.toml`` in the data folder).
    db, data_dir
        The store (see :func:`detector.ops.store.open_store`); ``data_dir`` also holds the lock and,
        by default, the reports.
    out_dir : path, optional
        Report folder; default ``<data dir>/reports/<watch>``.
    **options
        Passed to :func:`run_watch`.

    Raises
    ------
    LockedError
        Another run of the same watch is under way.
    DetectorError
        Any stage failed; the run is marked ``failed`` in the store with the message.
    """
    base = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    try:
        # Logged as well as raised: under cron the log file is all the operator reads.
        watch = get_watch(watch_name, config)
    except DetectorError as exc:
        log.error("detector run --watch %s: %s", watch_name, exc, extra=RAISED)
        raise
    out = Path(out_dir) if out_dir is not None else base / REPORT_DIR / watch.name
    with run_lock(lock_path(watch.name, base)):
        try:
            store = open_store(db, base)
        except DetectorError as exc:
            log.error("detector run --watch %s: %s", watch_name, exc, extra=RAISED)
            raise
        with store:
            return run_watch(store, watch, out_dir=out, **options)


def run_watch(
    store: Store,
    watch: Watch,
    *,
    out_dir: str | os.PathLike[str],
    from_posts: PathOrPaths = None,
    from_accounts: str | os.PathLike[str] | None = None,
    collector: Any = None,
    env_file: str | os.PathLike[str] | None = None,
    collect_since: str | datetime | None = None,
    max_pages: int | None = None,
    lookback: timedelta = DEFAULT_LOOKBACK,
    model: Any = None,
    workers: int = 1,
    top: int = 50,
    dates: Any = None,
    columns: dict[str, str] | None = None,
    as_of: pd.Timestamp | None = None,
    lookalike: bool = True,
) -> RunResult:
    """Run every stage for ``watch`` against an open store (the caller holds the lock).

    Parameters
    ----------
    store : Store
    watch : Watch
    out_dir : path
        Report folder.
    from_posts : path or paths, optional
        Run offline: import the posts of these files (each of any shape :func:`detector.posts.read.read_posts`
        reads: a day's exports of several platforms, a folder of Telegram exports) that the watch covers,
        instead of collecting; one run, one report.
    from_accounts : path, optional
        Offline: also import these author profiles (any shape :func:`detector.accounts.read.read_accounts`
        reads).
    collector : Collector, optional
        Online: the collector to use (default: one built with the token of ``env_file``/environment).
    collect_since : str or datetime, optional
        Oldest post time of the watch's first collection pass (later passes ask only for newer posts).
    max_pages : int, optional
        Stop collecting after this many pages; the next run continues.
    lookback : timedelta
        Posts the watch saw this long before the run's start are analysed with the new ones.
    model : AccountModel or path, optional
        The account model (default: the registry's or the shipped one; when that is missing the
        authors are left unscored with a warning, as in ``detector posts``).
    workers : int
        Processes for coordination.
    top : int
        Rows listed in the HTML report.
    as_of : Timestamp, optional
        ``--as-of``: collection time of the ``from_accounts`` profiles that carry none (else the
        latest time of the ``from_posts`` posts, else now), as ``detector posts --as-of``.
    lookalike : bool
        Look-alike groups across the analysed authors' profiles, stored with their scores and shown
        in the report; False (``--no-lookalike``) leaves them out, said once in the log.
    """
    if lookback <= timedelta(0):
        raise ConfigError(f"lookback must be positive, got {lookback}")
    resumed_id = store.unfinished_run(watch.name)
    run_id = store.start_run(watch.name, run_id=resumed_id)
    result = RunResult(run_id, watch.name, resumed=resumed_id is not None, lookalike=lookalike)
    runs = store.runs(watch.name)
    started = runs.loc[runs["run_id"] == run_id, "started_at"].iloc[0].to_pydatetime()
    log.info("run %s of watch '%s' %s (started %s)", run_id, watch.name, "resumed" if result.resumed else "begins", started.isoformat())
    try:
        with _stage(result, "collect"):
            posts_paths = as_paths(from_posts)
            if posts_paths or from_accounts is not None:
                try:
                    result.collected, rejects = import_files(store, watch, posts_paths, from_accounts, dates=dates, columns=columns, as_of=as_of)
                except NothingScoredError as exc:  # every record rejected: they are still written, and named
                    if not exc.rejects:
                        raise
                    result.rejects_path = write_rejects(exc.rejects, import_rejects_stem(out_dir, posts_paths, from_accounts))  # type: ignore[arg-type]
                    raise NothingScoredError(f"{exc}, see {result.rejects_path}", rejects=exc.rejects) from exc
                if len(rejects):
                    result.rejects_path = write_rejects(rejects, import_rejects_stem(out_dir, posts_paths, from_accounts))
                    result.rejected, result.fields_ignored = rejects.n_rejected, len(rejects) - rejects.n_rejected
                    result.rejects_files = list(dict.fromkeys(str(r["file"]) for r in rejects.rows))
            else:
                result.collected = collect_watch(store, watch, collector=collector, env_file=env_file, since=collect_since, max_pages=max_pages)
        _pause_point("collect")
        with _stage(result, "score"):
            posts = store.posts(source=watch.name, since=started - lookback).drop(columns=["raw", "first_seen", "last_seen"])
            analysis = analyse(store, watch, posts, model=model, workers=workers, lookalike=lookalike) if len(posts) else None
        with _stage(result, "store"):
            if analysis is None:
                log.info("run %s: the watch saw no post within %s of the run's start: nothing to score", run_id, lookback)
            else:
                store_analysis(store, watch, analysis, run_id=run_id, at=started, lookback=lookback, result=result)
        # The report reads what was stored; the analysis (every post's scores, the clusters' members)
        # would otherwise stay alive beside the report's content, at the run's peak of memory.
        del analysis
        _pause_point("report")
        with _stage(result, "report"):
            result.report = write_run_report(
                store, watch, posts, started=started, lookback=lookback, out_dir=out_dir, top=top, offline=bool(as_paths(from_posts)),
                event_tz=None if dates is None else dates.tz, input_note=import_note(result, as_paths(from_posts) or as_paths(from_accounts)),
            )
    except Exception as exc:
        # A failure (not a kill) ends the run: the next cron run starts afresh rather than
        # repeating the same failure under the same id. Stored rows stay; they are consistent.
        with contextlib.suppress(DetectorError):  # a broken store must not hide the first error
            store.finish_run(run_id, "failed", str(exc)[:2000])
        log.error("run %s of watch '%s' failed: %s", run_id, watch.name, exc, extra=RAISED)
        raise
    store.finish_run(run_id, "ok", result.summary())
    log.info("%s; stages %s", result.summary(), ", ".join(f"{k} {v:.1f} s" for k, v in result.stage_seconds.items()))
    return result


@contextlib.contextmanager
def _stage(result: RunResult, name: str) -> Iterator[None]:
    log.info("run %s: %s", result.run_id, name)
    t0 = time.perf_counter()
    yield
    result.stage_seconds[name] = result.stage_seconds.get(name, 0.0) + time.perf_counter() - t0


def _pause_point(point: str) -> None:
    """Fault injection for tests (see :data:`PAUSE_ENV`): wait here to be killed."""
    if os.environ.get(PAUSE_ENV) != point:
        return
    log.warning("%s=%s: pausing here for up to 10 minutes so that a test can kill this run", PAUSE_ENV, point)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# Stage 1: collect


def collect_watch(
    store: Store,
    watch: Watch,
    *,
    collector: Any = None,
    env_file: str | os.PathLike[str] | None = None,
    since: str | datetime | None = None,
    max_pages: int | None = None,
) -> str:
    """Collect the watch's sources into the store as seen by the watch; return a summary.

    X takes the watch's search query; Bluesky and Mastodon take each listing the watch names
    there (:meth:`detector.ops.watch.PlatformSource.listings`).
    """
    from dataclasses import replace

    from detector.ops.collect import collect_platform, platform_collector

    parts = []
    for src in watch.sources():
        if src.platform == "x":
            if collector is None:
                from detector.ops.collect import Collector

                collector = Collector(store, env_file=env_file)
            query = watch.search_query() if not watch.platforms else replace(watch, queries=src.queries, hashtags=src.hashtags, accounts=src.accounts).search_query()
            stats = collector.collect_search(query, since=since, max_pages=max_pages, source=watch.name)
            parts.append(f"collected {stats.summary()}")
            continue
        other = platform_collector(src.platform, server=src.server, env_file=env_file)
        for what, target in src.listings():
            stats = collect_platform(store, other, what, target, source=watch.name, max_pages=max_pages)
            parts.append(f"collected {src.platform} {what} {target}: {stats.summary()}")
    return "; ".join(parts)


def import_rejects_stem(
    out_dir: str | os.PathLike[str], posts_path: PathOrPaths, accounts_path: str | os.PathLike[str] | None = None
) -> str:
    """The output name whose rejects file holds the import rejects of these inputs.

    Named for the (first) input and a hash of the inputs' content (``import-<name>-<sha256[:12]>.csv``, whose
    rejects go to ``….rejects.csv``), not for the run: cron reruns over the same files rewrite one
    file (atomically) instead of adding one per run, and a changed file keeps the rejects of its
    earlier content under their own name.
    """
    inputs = [("posts", Path(p)) for p in as_paths(posts_path)] + [("profiles", Path(p)) for p in as_paths(accounts_path)]
    h = hashlib.sha256()
    for role, p in inputs:
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            h.update(f"\x1f{role}\x1f{f.relative_to(p) if p.is_dir() else ''}\x1f".encode())
            with open(f, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
    first = inputs[0][1] if inputs else Path("none")
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in (first.stem or first.name))[:60]
    n_posts = len(as_paths(posts_path))
    more = f"-and-{n_posts - 1}-more" if n_posts > 1 else ""  # a day's exports: each reject names its own file
    return str(Path(out_dir) / f"import-{name}{more}-{h.hexdigest()[:12]}.csv")


PathOrPaths = str | os.PathLike[str] | list[str | os.PathLike[str]] | tuple[str | os.PathLike[str], ...] | None


def as_paths(paths: PathOrPaths) -> list[str | os.PathLike[str]]:
    """One path, several, or none (``None``) as a list."""
    if paths is None:
        return []
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def import_files(
    store: Store,
    watch: Watch,
    posts_path: PathOrPaths,
    accounts_path: str | os.PathLike[str] | None = None,
    *,
    dates: Any = None,
    columns: dict[str, str] | None = None,
    as_of: pd.Timestamp | None = None,
) -> tuple[str, Rejects]:
    """Offline collection: upsert the posts of ``posts_path`` (one file or folder, or several) that the watch
    covers, and profiles.

    Profiles embedded in the posts are kept for the authors of those posts; ``accounts_path``
    profiles are all kept. An ``accounts_path`` profile without a collection time is measured to
    ``as_of``, else to the latest post of ``posts_path``, else to now (said once). Everything is recorded as seen by the watch now, so a rerun over the
    same file changes no row but the sightings' ``last_seen``.

    Returns
    -------
    (str, Rejects)
        A summary line and the records that could not be used.
    """
    files = as_paths(posts_path)
    rejects = Rejects(str(files[0] if files else accounts_path))
    parts: list[str] = []
    seen = utcnow()
    latest_post = None  # profiles without a collection time are measured to it (read_profiles)
    unusable = 0
    for path in files:
        try:
            latest = _import_posts(store, watch, path, rejects, parts, seen, dates=dates, columns=columns)
        except NothingScoredError as exc:
            if len(files) == 1 or not isinstance(exc.rejects, Rejects):
                raise
            # One of a day's exports with no usable record must not keep the others out: its records go to
            # the rejects file with the others', and the run goes on.
            rejects.extend(exc.rejects)
            parts.append(f"no usable post in {path} ({len(exc.rejects)} rejects)")
            log.warning("%s", exc)
            unusable += 1
            continue
        if latest is not None and not pd.isna(latest):
            latest_post = latest if latest_post is None else max(latest_post, latest)
    if files and unusable == len(files) and accounts_path is None:
        raise NothingScoredError(f"no usable post in any of the {len(files)} files ({len(rejects)} rejects)", rejects=rejects)
    if accounts_path is not None:
        from detector.accounts.read import read_profiles

        batch = read_profiles(accounts_path, dates=dates.for_file() if dates else None, as_of=as_of, latest_post=latest_post)  # says the file's date notes, naming it
        rejects.extend(batch.rejects)
        store.upsert_accounts(batch.accounts.drop(columns=["source_row"]), source=watch.name, seen_at=seen)
        parts.append(f"{len(batch.accounts)} profiles from {accounts_path}")
    return "imported " + ", ".join(parts), rejects


def _import_posts(
    store: Store, watch: Watch, posts_path: str | os.PathLike[str], rejects: Rejects, parts: list[str], seen: datetime, *,
    dates: Any = None, columns: dict[str, str] | None = None,
) -> Any:
    """Import one posts file (or folder) for :func:`import_files`: its summary goes to ``parts``, its rejects to
    ``rejects`` (each naming its file); returns the time of its latest post (None when it holds none)."""
    from detector.posts.read import author_accounts, read_posts

    try:
        read = read_posts(posts_path, dates=dates.for_file() if dates else None, columns=columns)
    except EmptyInputError as exc:
        # A quiet day: the export holds no post (a CSV with its header only, an empty file, a
        # search page without results). Nothing to import; the lookback's posts are reported.
        log.warning("%s: nothing imported", exc)
        parts.append(f"no post ({exc})")
        return None
    rejects.extend(read.rejects)
    covered = content_ids(read.posts[watch.matches(read.posts)])
    if covered.empty:
        log.warning("%s: none of its %d posts is covered by watch '%s'", posts_path, len(read.posts), watch.name)
    store.upsert_posts(covered.drop(columns=["source_row"]), source=watch.name, seen_at=seen)
    parts.append(f"{len(covered)} of {len(read.posts)} posts in {posts_path} covered by the watch")
    authors = set(covered["author_id"].dropna().astype(str))
    if read.users:
        profiles = author_accounts(read.users, str(posts_path), rejects=rejects)
        profiles = profiles[profiles["account_id"].isin(authors)]
        store.upsert_accounts(profiles.drop(columns=["source_row"]), source=watch.name, seen_at=seen)
        parts.append(f"{len(profiles)} author profiles")
    if read.profiles is not None and len(read.profiles):
        # The partial profiles table rows carry (the IRA CSV's followers and following at each
        # author's latest post), which `detector posts` scores too: stored, the run scores them.
        partial = read.profiles[read.profiles["account_id"].astype(str).isin(authors)]
        store.upsert_accounts(partial.drop(columns=["source_row"]), source=watch.name, seen_at=seen)
        parts.append(f"{len(partial)} partial author profiles (followers and following)")
    return read.posts["created_at"].max()


def content_ids(posts: pd.DataFrame) -> pd.DataFrame:
    """Give posts that came without an id (record-number ids ``r1``, ``r2``…) one from their content.

    A record number names a post only within its file: two files imported into one store would
    overwrite each other's ``r1``. The id made here, ``c:`` and a digest of author, time, text and
    the occurrence of that triple in the file, is the same for the same post in any file, so a
    rerun or an overlapping export updates instead of duplicating.
    """
    if posts.empty:
        return posts
    ids = posts["post_id"].astype(str)
    rows = "r" + posts["source_row"].astype(str)
    if not ids.eq(rows).all():
        return posts
    out = posts.copy()
    # A missing author or text is "" in the key: a missing value would make the whole key missing,
    # and every post without an author one post (the ids of posts with one are as before).
    key = (
        out["author_id"].fillna("").astype(str) + "\x1f" + out["created_at"].astype(str) + "\x1f" + out["text"].fillna("").astype(str)
    )
    nth = key.groupby(key).cumcount().astype(str)
    out["post_id"] = pd.Series(
        ["c:" + hashlib.sha1(f"{k}\x1f{n}".encode()).hexdigest()[:20] for k, n in zip(key, nth, strict=True)],
        index=out.index,
        dtype="string",
    )
    log.info("%d posts without ids: ids made from author, time and text", len(out))
    return out


# ---------------------------------------------------------------------------------------------
# Stage 2: score


@dataclass
class Analysis:
    """The scores of one run, before they are stored."""

    post_scores: pd.DataFrame
    authors: pd.DataFrame
    account_scores: pd.DataFrame | None
    clusters: pd.DataFrame
    memberships: pd.DataFrame
    model_version: str


def analyse(store: Store, watch: Watch, posts: pd.DataFrame, *, model: Any = None, workers: int = 1, lookalike: bool = True) -> Analysis:
    """Score ``posts`` (canonical) and their authors, with the watch's coordination thresholds.

    The account model scores the authors whose profiles are in the store, as both posts engines score
    theirs (:func:`detector.posts.calls.score_author_profiles`: the model's reasons in plain words,
    a field none of these profiles has said once in the log); with ``lookalike``, the
    look-alike groups across those profiles (one list: the authors of the analysed posts) go
    with their scores (:func:`detector.accounts.lookalike.lookalikes_of`; they change no score). Without a model given,
    the default one is loaded; if it cannot be, the authors are left unscored with a warning (the
    post rule then never calls a post ``likely-genuine``). A model that is given must load.
    """
    from detector.posts.calls import (
        account_model,
        author_table,
        membership_table,
        score_author_profiles,
        score_posts,
    )
    from detector.posts.coordination import find_clusters

    account_scores = None
    version = "no-account-model"
    authors = posts["author_id"].dropna().astype(str).unique().tolist()
    profiles = _accounts_by_ids(store, authors)
    if len(profiles):
        loaded = account_model(model)
        if loaded is not None:
            # As both posts engines score their authors: the model, its reasons in plain words (no
            # internal field name; a field none of these profiles has is said once in the log, not
            # on each author) and, with ``lookalike``, the look-alike groups across the profiles.
            account_scores = score_author_profiles(profiles, loaded, f"watch '{watch.name}'", lookalike=lookalike)
            version = loaded.version
    if not lookalike:
        from detector.accounts.lookalike import OFF_NOTICE

        log.info("%s", OFF_NOTICE)
    t = watch.thresholds
    opts: dict[str, Any] = {"workers": workers}
    if t.cluster_window_minutes is not None:
        opts["window"] = pd.Timedelta(minutes=t.cluster_window_minutes)
    if t.cluster_similarity is not None:
        opts["threshold"] = t.cluster_similarity
    if t.cluster_min_accounts is not None:
        opts["min_accounts"] = t.cluster_min_accounts
    coordination = find_clusters(posts, **opts)
    with progress.step("post scores", total=len(posts), unit="posts"):
        scores = score_posts(posts, account_scores=account_scores, coordination=coordination)
        table = author_table(posts.reset_index(drop=True), scores, account_scores=account_scores, coordination=coordination)
    if "platform" in posts.columns:
        # One row per post, in order: each score is filed under its post's platform (ids collide across platforms;
        # Telegram, TikTok and Facebook post scores were all stored as X's).
        scores = scores.assign(platform=posts["platform"].fillna(DEFAULT_PLATFORM).astype(str).to_numpy())
    return Analysis(scores, table, account_scores, coordination.clusters, membership_table(coordination), version)


def _accounts_by_ids(store: Store, ids: list[str]) -> pd.DataFrame:
    parts = [store.accounts(ids[i : i + _ID_CHUNK]) for i in range(0, len(ids), _ID_CHUNK)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return store.accounts([]).drop(columns=["raw", "first_seen", "last_seen"], errors="ignore")
    return pd.concat(parts, ignore_index=True).drop(columns=["raw", "first_seen", "last_seen"], errors="ignore")


# ---------------------------------------------------------------------------------------------
# Stage 3: store


def author_scores(analysis: Analysis) -> pd.DataFrame:
    """One score row per author for the store: the author table's combined score, with reasons.

    Reasons name the evidence the combined score is made of: the account model's score and its
    own reasons, the coordination score and clusters, and the author's suspicious posts.
    """
    a = analysis.authors
    model_reasons: dict[str, str] = {}
    if analysis.account_scores is not None and len(analysis.account_scores):
        s = analysis.account_scores
        model_reasons = dict(zip(s["account_id"].astype(str), s["reasons"].fillna("").astype(str), strict=True))
    reasons = author_reasons(a, model_reasons)
    out = pd.DataFrame({
        "account_id": a["author_id"].astype(str),
        "score": a["combined_score"].astype(float),
        "label": a["label"].astype(str),
        "reasons": reasons,
        "model_version": f"{AUTHOR_RULE}+{analysis.model_version}",
        # The account model held its verdict on the author's profile (too few fields): the combined score
        # leaves the profile out, and the report says so instead of reading the label as a verdict on it.
        "verdict_held": a["account_verdict_held"].astype(bool).to_numpy() if "account_verdict_held" in a.columns else False,
    })
    from detector.accounts.lookalike import LOOKALIKE_COLUMNS

    for col in LOOKALIKE_COLUMNS:  # the author table carries them when they were looked for
        if col in a.columns:
            out[col] = a[col].to_numpy()
    if "platform" in a.columns:  # the author table names platforms when its posts are not all X's
        out["platform"] = a["platform"].fillna(DEFAULT_PLATFORM).astype(str).to_numpy()
    return out


def author_reasons(authors: pd.DataFrame, model_reasons: dict[str, str] | None = None) -> list[str]:
    """The reasons of each author's combined score, from the author table's columns.

    Also what a report shows for a ``detector posts --accounts-out`` file, which has no reasons
    column of its own.
    """
    model_reasons = model_reasons or {}
    reasons = []
    for r in authors.to_dict("records"):
        parts = []
        if pd.notna(r.get("account_score")):
            why = model_reasons.get(str(r["author_id"]), "")
            parts.append(f"account model {float(r['account_score']):.2f}" + (f" ({why})" if why else ""))
        else:
            parts.append("no profile scored")
        # A count the table lacks (a blank cell or a record without the key in a hand-edited file) is left out of
        # the reasons, never read as 0 or guessed; it crashed the report before session 16.
        coordination, clusters = _given(r.get("coordination_score")), _given(r.get("n_clusters"))
        if coordination is not None and coordination > 0:
            parts.append(f"coordination {coordination:.2f}" + (f" in {int(clusters)} cluster(s)" if clusters is not None else ""))
        suspicious, posts = _given(r.get("n_suspicious_posts")), _given(r.get("n_posts"))
        if suspicious:
            parts.append(f"{int(suspicious)}" + (f" of {int(posts)}" if posts is not None else "") + " post(s) suspicious")
        calls = _given(r.get("n_calls"))
        if calls:
            parts.append(f"{int(calls)} call(s) to action")
        reasons.append("; ".join(parts))
    return reasons


def _given(value: object) -> float | None:
    """A number of the author table, or None where it is missing or not a number."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def cluster_rows(analysis: Analysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clusters and their members (accounts and posts) in the store's shape."""
    c = analysis.clusters
    m = analysis.memberships
    sample = m.groupby("cluster_id")["text"].first().astype(str).str.slice(0, 280) if len(m) else pd.Series(dtype=str)
    clusters = pd.DataFrame({
        "cluster_id": c["cluster_id"].astype(str),
        "kind": c["kind"].astype(str),
        "size": c["n_accounts"].astype(int),
        "score": c["similarity"].astype(float),
        "evidence": [
            {"shared": str(ev), "example": sample.get(cid, ""), "posts": int(n), "repeat_share": float(rs)}
            for cid, ev, n, rs in zip(c["cluster_id"], c["evidence"], c["n_posts"], c["repeat_share"], strict=True)
        ],
    })
    platform = m["platform"] if "platform" in m.columns else "x"
    members = pd.concat(
        [
            pd.DataFrame({"cluster_id": m["cluster_id"], "member_kind": "account", "member_id": m["account_id"], "platform": platform}),
            pd.DataFrame({"cluster_id": m["cluster_id"], "member_kind": "post", "member_id": m["post_id"], "platform": platform}),
        ],
        ignore_index=True,
    ).astype(str).drop_duplicates()
    if "platforms" in c.columns and c["platforms"].ne("x").any():
        # A push across platforms: its evidence says where it went and where it appeared first.
        for ev, spread, first in zip(clusters["evidence"], c["platforms"], c["first_platform"], strict=True):
            if spread != "x":
                ev.update(platforms=str(spread), appeared_first_on=str(first))
    return clusters, members


def store_analysis(
    store: Store,
    watch: Watch,
    analysis: Analysis,
    *,
    run_id: str,
    at: datetime,
    lookback: timedelta = DEFAULT_LOOKBACK,
    result: RunResult | None = None,
) -> RunResult:
    """Write the run's post scores, author scores and clusters in one transaction.

    Only what is new or changed is written: a score equal (score, label, reasons, version) to the
    latest one stored for the same item by this watch within ``lookback`` of ``at``, or a cluster
    with the same id and members, is left out. Rows carry ``run_id`` and the time ``at`` (the
    run's start), so a resumed run writes exactly the rows the killed one would have.
    """
    result = result or RunResult(run_id, watch.name)
    since = at - lookback
    posts = analysis.post_scores[["post_id", "score", "label", "reasons", *(["platform"] if "platform" in analysis.post_scores.columns else [])]].assign(
        model_version=f"{POST_RULE}+{analysis.model_version}"
    )
    accounts = author_scores(analysis)
    clusters, members = cluster_rows(analysis)
    result.posts_analysed = len(posts)
    from detector.accounts.lookalike import group_counts
    from detector.ops.report import flagged

    result.flagged_posts = int(flagged(posts, watch.thresholds.post).sum())
    result.flagged_accounts = int(flagged(accounts, watch.thresholds.account).sum())

    result.lookalike_groups = group_counts(accounts)[0]
    result.clusters_found = len(clusters)
    with store.transaction():
        posts = _changed(posts, store.post_scores(watch=watch.name, since=since, latest=True), "post_id")
        result.post_scores_written = store.add_post_scores(posts, run_id=run_id, scored_at=at)
        _pause_point("store")
        accounts = _changed(accounts, store.account_scores(watch=watch.name, since=since, latest=True), "account_id")
        result.account_scores_written = store.add_account_scores(accounts, run_id=run_id, scored_at=at)
        known = store.clusters(watch=watch.name, since=since)
        stored = {
            (str(cid), frozenset(str(m) for m in mem))
            for cid, rid, mem in zip(known["cluster_id"], known["run_id"], known["members"], strict=True)
            if rid != run_id
        }
        mine: dict[str, set[str]] = {}
        # Written as Store.clusters writes a member ("kind:id" on X, "kind:platform:id" elsewhere): a Telegram or
        # TikTok cluster compared as "kind:id" never matched its stored self, and every rerun stored it again.
        for cid, kind, plat, ident in zip(members["cluster_id"], members["member_kind"], members["platform"], members["member_id"], strict=True):
            mine.setdefault(str(cid), set()).add(f"{kind}:{'' if plat == DEFAULT_PLATFORM else plat + ':'}{ident}")
        keep = pd.Series([(cid, frozenset(mine.get(cid, ()))) not in stored for cid in clusters["cluster_id"]], index=clusters.index, dtype=bool)
        clusters = clusters[keep]
        members = members[members["cluster_id"].isin(set(clusters["cluster_id"]))]
        result.clusters_written = store.add_clusters(clusters, members, run_id=run_id, detected_at=at) if len(clusters) else 0
        # What the run has stored, whichever attempt stored it: a run resumed after its store stage had committed
        # said "0 post and 0 author score(s) and 5 cluster(s) stored" (its clusters rewritten, its scores equal to its
        # own), where the same run uninterrupted says 37, 30 and 5.
        stored_by_run = store.run_counts(run_id)
        result.post_scores_written = stored_by_run["post_scores"]
        result.account_scores_written = stored_by_run["account_scores"]
        result.clusters_written = stored_by_run["clusters"]
    log.info(
        "run %s: stored %d post score(s), %d author score(s), %d cluster(s) (new or changed)",
        run_id, result.post_scores_written, result.account_scores_written, result.clusters_written,
    )
    return result


def _changed(new: pd.DataFrame, stored: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of ``new`` that differ from the latest stored point of the same item (its look-alike
    group and evidence, and whether its verdict was held, too, when ``new`` has them)."""
    if stored.empty or new.empty:
        return new
    # keyed by (platform, id): one id on two platforms is two items
    plat = new["platform"].astype(str) if "platform" in new.columns else pd.Series(DEFAULT_PLATFORM, index=new.index)
    prev = stored.set_index(stored["platform"].astype(str) + "\x1f" + stored[key].astype(str))
    prev = prev[~prev.index.duplicated(keep="last")]
    ids = plat + "\x1f" + new[key].astype(str)
    same = (
        ids.isin(prev.index)
        & (ids.map(prev["score"].astype(float)) - new["score"].astype(float)).abs().lt(1e-9)
        & ids.map(prev["label"].astype(str)).eq(new["label"].astype(str))
        & ids.map(prev["reasons"].fillna("").astype(str)).eq(new["reasons"].fillna("").astype(str))
        & ids.map(prev["model_version"].astype(str)).eq(new["model_version"].astype(str))
    )
    from detector.accounts.lookalike import LOOKALIKE_COLUMNS

    for col in (*LOOKALIKE_COLUMNS, "verdict_held"):
        if col in new.columns and col in prev.columns:
            same &= ids.map(prev[col].fillna("").astype(str)).eq(new[col].fillna("").astype(str))
    return new[~same.to_numpy()]


# ---------------------------------------------------------------------------------------------
# Stage 4: report


def report_window(posts: pd.DataFrame, started: datetime, lookback: timedelta) -> tuple[datetime, datetime]:
    """The window of a run's report: it covers the analysed posts and the run's scores.

    From the earlier of ``started - lookback`` and the oldest analysed post, to the later of
    ``started`` (when the run's scores are stamped) and the newest analysed post. Both ends depend
    only on the run and its data, so a resumed run writes the same report files again.
    """
    since, until = pd.Timestamp(started - lookback), pd.Timestamp(started)
    created = posts["created_at"].dropna() if "created_at" in posts.columns else pd.Series(dtype="datetime64[ns, UTC]")
    if len(created):
        since = min(since, created.min())
        until = max(until, created.max())
    return since.floor("s").to_pydatetime(), until.ceil("s").to_pydatetime()


def import_note(result: RunResult, source: PathOrPaths) -> str:
    """The report's word on the records of this run's import that were set aside ("" if none)."""
    # The files the set-aside records are in, when known (of a day's several exports, only those); else the inputs.
    names = ", ".join(dict.fromkeys(Path(p).name for p in (result.rejects_files or as_paths(source))))
    if not result.rejects_path or not names:
        return ""
    ignored = f" ({_n(result.fields_ignored, 'field')} of kept records ignored)" if result.fields_ignored else ""
    if not result.rejected:
        return f"{_n(result.fields_ignored, 'field')} of {names} ignored as unreadable: see {Path(result.rejects_path).name} beside this report"
    verb = "was" if result.rejected == 1 else "were"
    return f"{_n(result.rejected, 'record')} of {names} {verb} set aside, not analysed{ignored}: see {Path(result.rejects_path).name} beside this report"


def write_run_report(
    store: Store,
    watch: Watch,
    posts: pd.DataFrame,
    *,
    started: datetime,
    lookback: timedelta,
    out_dir: str | os.PathLike[str],
    top: int = 50,
    offline: bool = False,
    event_tz: str | None = None,
    input_note: str = "",
) -> ReportPaths:
    """Write the run's report (HTML, CSV, JSON) from the store; return its :class:`ReportPaths`.

    ``offline`` (posts imported from files): the window is the span of the analysed posts, not
    "lookback until now", since old posts scored today would give a window of years; the run's
    own scores (made at ``started``) are still the ones shown.
    """
    from detector.ops.report import load_report_store, write_report

    since, until = report_window(posts, started, lookback)
    created = posts["created_at"].dropna() if "created_at" in posts.columns else pd.Series(dtype="datetime64[ns, UTC]")
    if offline and len(created):
        span = created.min().floor("s").to_pydatetime(), created.max().ceil("s").to_pydatetime()
        data = load_report_store(
            store, since=span[0], until=span[1], watch=watch, scored_since=since, scored_until=until,
            window_note=f"the span of the posts analysed: imported with --from by this run and the watch's runs of the {_duration(lookback)} before it",
        )
    else:
        data = load_report_store(store, since=since, until=until, watch=watch)
    data.top = top
    data.event_tz = event_tz  # the user's --tz: the zone of the times the calls write
    data.input_note = input_note  # records of the import set aside: the report must not read as if all were analysed
    return write_report(data, out_dir)

