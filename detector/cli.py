"""Command-line interface: parses arguments, calls the library, turns errors into exit codes.

No logic lives here that a notebook or cron job would need: every command calls library functions.

Exit codes
----------
0  success (some records may have been rejected: see the rejects file); also when the reader of stdout
   stops early (``-o - | head``): the job ends quietly there
1  unexpected detector error
2  bad input or usage: unreadable file, unknown format, invalid configuration
3  nothing could be scored: every record was rejected
4  model problem: missing, untrusted, or built for other features
5  store problem: database unreachable or of another schema version
6  collection failed (X API) in a way retrying will not fix
75 another run holds the lock (cron may simply try again later)
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from detector import __version__
from detector.errors import DetectorError, ModelError, safe_message

log = logging.getLogger("detector")

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a :class:`DetectorError` into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DetectorError as exc:
            click.echo(f"error: {safe_message(exc)}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            if not _stdout_closed():
                raise
            # The reader of our stdout has gone (``detector score -o - | head``): end quietly with
            # success, as Unix tools do, without a traceback or a second error when Python flushes stdout at exit.
            _detach_stdout()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reading end has closed (poll reports an error on it)."""
    import select

    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, 0)  # POLLERR and POLLHUP are always reported
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def _detach_stdout() -> None:
    """Point standard output at the null device, so the buffered bytes nobody will read are dropped quietly."""
    import os

    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, sys.stdout.fileno())
    finally:
        os.close(null)


def _with_rejects_written(exc: Any, output: str) -> Any:
    """A :class:`NothingScoredError` whose rejects are written beside ``output`` (nothing else is written),
    its message naming that file, as ``detector score`` says it."""
    from detector.errors import NothingScoredError
    from detector.io import write_rejects

    path = write_rejects(exc.rejects, output) if exc.rejects is not None else None
    return NothingScoredError(f"{exc}, see {path}" if path else str(exc), rejects=exc.rejects)


def _n(count: int, word: str) -> str:
    """``1 record``, ``2 records``: a count and its noun, agreeing."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _write_json(path: str, doc: dict[str, Any], indent: int = 1) -> None:
    """``doc`` as JSON at ``path``, atomically as every output (a killed run leaves the old file whole)."""
    import json

    from detector.io import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=indent, default=str) + "\n")


def setup_logging(verbose: int, quiet: bool, log_file: str | None = None) -> None:
    level = logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    if quiet:
        level = logging.ERROR
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for h in handlers:
        h.addFilter(SafeRecords())
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )


class SafeRecords(logging.Filter):
    """Make every log record safe to print: secrets redacted, control characters escaped.

    A value holding a newline cannot forge a log line (``… ERROR FORGED``), and a token echoed
    by an API error body never reaches stderr or the log file, whatever logged it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = safe_message(record.getMessage())
        record.args = None
        return True


def input_options(func: F) -> F:
    """``--dayfirst``/``--monthfirst``/``--date-format`` and ``--columns``, for every command reading input."""
    for option in reversed([
        click.option("--dayfirst", "date_order", flag_value="dayfirst", help="Read dates such as 10/05/2024 day first (10 May). Default: the values decide, and a file they cannot settle stops with an error."),
        click.option("--monthfirst", "date_order", flag_value="monthfirst", help="Read dates such as 10/05/2024 month first (October 5)."),
        click.option("--date-format", help="strptime format of the input's dates, e.g. '%d.%m.%Y. %H:%M' (tried before the other forms)."),
        click.option("--tz", metavar="ZONE", help="Time zone of times written without one, e.g. Europe/Belgrade; for posts also of the times calls name (\"tomorrow at 18h\"). Default: UTC (calls: the zone of their language), and the summary says so."),
        click.option("--columns", "columns_spec", help="Map other headers: name=header,… e.g. screen_name=Nalog,followers_count='Broj pratilaca'."),
    ]):
        func = option(func)
    return func


def _input_rules(date_order: str | None, date_format: str | None, columns_spec: str | None, tz: str | None = None) -> tuple[Any, dict[str, str]]:
    from detector.columns import parse_column_map
    from detector.dates import DateRules

    return DateRules(order=date_order, fmt=date_format, tz=tz), parse_column_map(columns_spec)


# show_default: every option's --help shows its default (options whose default is "none given"
# say in their help what happens then).
@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(__version__, prog_name="detector")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Log errors only (no warnings or notes) and draw no progress bars; a command's own summary still shows.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also write the log to this file.")
def cli(verbose: int, quiet: bool, log_file: str | None) -> None:
    """Find inauthentic accounts, posts and coordinated networks behind calls to action."""
    setup_logging(verbose, quiet, log_file)
    from detector import progress

    progress.enable(not quiet)  # drawn only when stderr is a terminal


def deprecated_alias(old: str, new: str, dest: str, type_: Any = None) -> Callable[[F], F]:
    """Keep ``old`` (hidden) working as ``new`` for one release, with a warning on stderr.

    The old spelling fills ``dest`` (the new option's parameter) when the new one is not given;
    giving both, or two old spellings of one option, is a usage error.
    """

    def decorate(func: F) -> F:
        hidden = f"_deprecated_{dest}_{old.lstrip('-').replace('-', '_')}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            value = kwargs.pop(hidden, None)
            if value is not None:
                ctx = click.get_current_context()
                given = ctx.get_parameter_source(dest)
                if given is not None and given.name not in ("DEFAULT", "DEFAULT_MAP"):
                    raise click.UsageError(f"{old} is the old name of {new}: give only {new}")
                taken = ctx.meta.setdefault("deprecated_aliases", {})
                if dest in taken:  # another old spelling of the same option was given too
                    raise click.UsageError(f"{taken[dest]} and {old} are old names of {new}: give only {new}")
                taken[dest] = old
                click.echo(f"warning: {old} is deprecated and will be removed in the next release; use {new}", err=True)
                kwargs[dest] = value
            return func(*args, **kwargs)

        return click.option(old, hidden, hidden=True, type=type_, show_default=False, help=f"Deprecated: use {new}.")(wrapper)  # type: ignore[return-value]

    return decorate


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--as-of`` in UTC, read as the input's dates are (dotted day-first, never an ambiguous guess)."""
    if value is None:
        return None
    from detector.dates import read_instant
    from detector.errors import InputError

    try:
        return read_instant(value)
    except InputError as exc:
        raise click.BadParameter(exc.message) from exc


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A collection's ``--since``/``--until``, checked before any work: one time (read as ``--as-of``
    is: never an ambiguous guess) or a span back from now. The collector reads it again."""
    if value is None:
        return None
    from detector.errors import ConfigError
    from detector.ops.collect import parse_since

    try:
        parse_since(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


def _workers(ctx: click.Context, param: click.Parameter, value: str) -> int | None:
    """``--workers N|auto``: a positive count, or None for the library's choice by the input."""
    if str(value).strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise click.BadParameter(f"'{value}' is not a positive whole number or 'auto'")
    return n


LABELS = ("suspicious", "uncertain", "likely-genuine")


def filter_options(func: F) -> F:
    """``--min-score`` and ``--label``, shared by ``score`` and ``posts``: which rows the output keeps."""
    func = click.option(
        "--label", "labels", multiple=True, type=click.Choice(LABELS), show_default="all",
        help="Write only rows with this label (repeat for several).",
    )(func)
    return click.option(
        "--min-score", type=click.FloatRange(0, 1), show_default="none",
        help="Write only rows scoring at least this. The summary still counts every row scored.",
    )(func)


def _filter_words(min_score: float | None, labels: tuple[str, ...]) -> str:
    parts = ([f"score >= {min_score:g}"] if min_score is not None else []) + ([f"label {' or '.join(labels)}"] if labels else [])
    return " and ".join(parts)


def _no_filters_on_dask(min_score: float | None, labels: tuple[str, ...]) -> None:
    if min_score is not None or labels:
        from detector.errors import ConfigError

        raise ConfigError("--min-score and --label work with --engine local only (filter the Dask output's parts afterwards)")


def lookalike_option(func: F) -> F:
    """``--no-lookalike``, shared by ``score``, ``posts`` and ``run``: leave the look-alike groups out."""
    return click.option(
        "--no-lookalike", "lookalike", is_flag=True, flag_value=False, default=True, show_default=False,
        help="Do not look for look-alike groups across the list (accounts created in one burst, one screen-name template, "
        "the same description or name); the lookalike_* columns are left out, and the summary says so.",
    )(func)


def _say_lookalikes(run: Any, out: Any = None) -> None:
    """The summary line of a scored list's look-alike groups (none: nothing; turned off: its notice does)."""
    if run.lookalike_groups:
        click.echo(f"{_n(run.lookalike_groups, 'look-alike group')} of {_n(run.lookalike_accounts, 'account')} in this list: see column lookalike_evidence", file=out)


def engine_options(func: F) -> F:
    """``--engine local|dask`` and ``--scheduler``, shared by ``score`` and ``posts``."""
    func = click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a 2-worker LocalCluster here).")(func)
    return click.option(
        "--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, is_eager=True, callback=_engine,
        help="dask: INPUT is a folder (or glob) of partition files and OUTPUT a folder of parts (see docs/dask.md).",
    )(func)


def _engine(ctx: click.Context, param: click.Parameter, value: str) -> str:
    # Eager, so that it runs before any other option's callback imports numpy: the local posts job
    # runs its message side in a second thread, which must share the main thread's malloc arena
    # (detector.memory.one_arena).
    if value == "local" and ctx.command.name == "posts":
        from detector.memory import one_arena

        one_arena()
    return value


@cli.command("score")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, allow_dash=True))
@click.option("-o", "--output", default="scores.csv", show_default=True, help="Output file: CSV, or JSONL/Parquet by extension; - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "json", "jsonl", "parquet"]), default="auto", show_default=True, help="Input format (detected from the content by default).")
@click.option("--as-of", callback=_as_of, help="Collection time for records that carry none (default: now).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (default: the registry's current model, else the shipped one).")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="Print this many of the most suspicious accounts.")
@click.option("--chunksize", type=click.IntRange(min=1), default=100_000, show_default=True, help="Records read per chunk.")
@click.option(
    "--workers", callback=_workers, default="auto", show_default=True, metavar="N|auto",
    help="Local processes that parse and score CSV chunks (same output for any number). auto: one per core for a CSV of 32 MB or more, else 1.",
)
@lookalike_option
@filter_options
@input_options
@engine_options
@handle_errors
def score_command(
    input_path: str, output: str, fmt: str, as_of: Any, model_path: str | None, top: int, chunksize: int, workers: int | None,
    min_score: float | None, labels: tuple[str, ...], engine: str, scheduler: str | None, lookalike: bool = True,
    date_order: str | None = None, date_format: str | None = None, columns_spec: str | None = None, tz: str | None = None,
) -> None:
    """Score a list of accounts: a calibrated score, a label and reasons for each.

    Example:

        detector score accounts.csv -o scores.csv --as-of 2024-05-01

    Rejected records go to SCORES.rejects.csv beside the output. The exit code is 0 when at least
    one account was scored, 3 when none could be.
    """
    from detector.accounts.registry import load_current_model as load_model
    from detector.accounts.score import score_file
    from detector.io import check_outputs

    check_outputs([] if engine == "dask" else [output], parts=[output] if engine == "dask" else [])
    model = load_model(model_path)
    if engine == "dask":
        from detector.engine import dask_client, score_partitioned

        _no_filters_on_dask(min_score, labels)
        dask_dates, dask_columns = _input_rules(date_order, date_format, columns_spec, tz)
        with dask_client(scheduler) as client:
            drun = score_partitioned(
                input_path, output, model=model, fmt=None if fmt == "auto" else fmt, as_of=as_of, client=client, dates=dask_dates, columns=dask_columns,
                lookalike=lookalike,
            )
        counts = ", ".join(f"{v:,} {k}" for k, v in sorted(drun.labels.items()))
        click.echo(f"scored {drun.scored:,} accounts ({counts}) from {drun.partitions} partitions -> {output}/ (model {drun.model_version})")
        _say_lookalikes(drun)
        if drun.rejects_path:
            click.echo(f"{_n(drun.rejected, 'record')} rejected, {_n(drun.warnings, 'field warning')} -> {drun.rejects_path}")
        for notice in drun.notices:  # once for the input, as locally for a file
            click.echo(f"note: {safe_message(notice)}")
        return
    from detector.io import readable_input
    from detector.memory import reuse_freed_memory

    # a million rows: the process that reads and writes spent a third of its CPU in the kernel, on
    # fresh pages for the arrays each chunk makes again (the workers keep theirs already)
    reuse_freed_memory()
    dates, columns = _input_rules(date_order, date_format, columns_spec, tz)
    with readable_input(input_path) as path:
        run = score_file(
            path, output, fmt=None if fmt == "auto" else fmt, as_of=as_of, model=model, chunksize=chunksize, keep_top=top,
            workers=workers, min_score=min_score, only_labels=labels or None, dates=dates, columns=columns, lookalike=lookalike,
        )
    out = sys.stderr if output == "-" else sys.stdout
    if top and run.top is not None and len(run.top):
        table = run.top[["account_id", "screen_name", "score", "label", "reasons"]].copy()
        table["reasons"] = table["reasons"].str.slice(0, 110)
        grouped = run.top["lookalike_size"].to_numpy() > 0 if "lookalike_size" in run.top.columns else None
        if grouped is not None and grouped.any():  # the group where there is one, with its size
            table.insert(4, "look-alike", [f"{g} of {n}" if x else "" for g, n, x in zip(run.top["lookalike_group"], run.top["lookalike_size"], grouped, strict=True)])
        click.echo(f"Most suspicious of {run.scored:,} account{'' if run.scored == 1 else 's'} (model {run.model_version}):", file=out)
        click.echo(table.to_string(index=False), file=out)
    counts = ", ".join(f"{v:,} {k}" for k, v in sorted(run.labels.items()))
    kept = f"; {run.written:,} kept by {_filter_words(min_score, labels)}" if min_score is not None or labels else ""
    click.echo(f"scored {run.scored:,} account{'' if run.scored == 1 else 's'} ({counts}){kept} -> {output}", file=out)
    _say_lookalikes(run, out)
    if run.rejects_path:
        click.echo(f"{_n(run.rejected, 'record')} rejected, {_n(run.warnings, 'field warning')} -> {run.rejects_path}", file=out)
    shown = "standard input" if input_path == "-" else input_path
    for notice in run.notices:  # a pipe was read from a private copy: name what the user gave
        click.echo(f"note: {safe_message(notice.replace(run.input, shown))}", file=out)


def _npz_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A model file name ends in .npz: refused before training, not after (the file is .npz whatever its name)."""
    if value is not None and not value.lower().endswith(".npz"):
        from pathlib import Path

        raise click.BadParameter(f"a model is written as .npz (plain arrays, no pickle): name it {Path(value).with_suffix('.npz').name}, not {Path(value).name}")
    return value


@cli.command("train")
@click.option("--tables", type=click.Path(file_okay=False, exists=True), help="Folder of canonical training tables (default: datasets/accounts).")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, exists=True), help="Analyst labels: CSV of account_id (or screen_name),label, plus the accounts' profiles or --profiles (see README).")
@click.option(
    "--profiles", "profiles_path", type=click.Path(exists=True),
    help="With --labels: the labelled accounts' profiles, in any shape `detector score` reads, joined on account_id or screen name.",
)
@click.option("--as-of", callback=_as_of, help="With --labels: collection time for labelled profiles that carry none (default: now; account ages are measured to it).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=_npz_name, help="Write the model to this .npz file (and its card, NAME.card.json) instead of registering it.")
@click.option("--use", "make_current", is_flag=True, help="Make the registered model the one score, posts and run use.")
@click.option("--notes", help="A note kept in the registered model's card.")
@click.option("--random-state", type=int, default=0, show_default=True)
@click.option(
    "--skip-control", is_flag=True,
    help="With --labels: train without the missing-fields control (it takes minutes: two fits per public collection); the card says it was not run.",
)
@handle_errors
def train_command(
    tables: str | None, labels_path: str | None, output: str | None, make_current: bool, notes: str | None, random_state: int,
    skip_control: bool = False, profiles_path: str | None = None, as_of: Any = None,
) -> None:
    """Train the account model and register it (or write it to -o) with its card.

    A new model is added to the registry as a new version; it is used only after
    `detector models use VERSION` (or with --use), so a retrain never silently changes scores.

    With --labels, the missing-fields control runs first (EVALUATION.md, "Analyst labels"): if the
    labels would make the model call real people suspicious for the profile fields the labelled
    accounts lack, nothing is trained and the exit code is 2. The card records the control.

    Example:

    \b
        detector train --labels my_labels.csv --notes "with the March review" --use
        detector train --labels ids_and_labels.csv --profiles profiles.jsonl -o /tmp/m.npz
    """
    from pathlib import Path

    from detector.accounts import model
    from detector.training import datasets

    # only the collections the shipped procedure trains on: a folder of tables need not hold the others
    table = datasets.load_training_table(Path(tables) if tables else datasets.DEFAULT_TABLES, collections=model.TRAINING_COLLECTIONS)
    hashes = datasets.table_hashes(Path(tables) if tables else datasets.DEFAULT_TABLES)
    if profiles_path and not labels_path:
        raise click.UsageError("--profiles gives the profiles of the --labels accounts: give --labels too")
    if labels_path:
        from detector.training.labels import add_analyst_labels

        table, info = add_analyst_labels(table, labels_path, profiles=profiles_path, as_of=as_of)
        hashes["analyst_labels"] = info["sha256"]
        if profiles_path:
            hashes["analyst_profiles"] = datasets.sha256(Path(profiles_path)) if Path(profiles_path).is_file() else "folder"
        _echo_label_rejects(labels_path, info)
    table = model.shipped_training_rows(table, tuple(c.name for c in datasets.COLLECTIONS))
    control = None
    if labels_path:
        from detector.training import labels

        control = "not run (--skip-control)"
        if not skip_control:
            analyst = table["collection"].eq(labels.ANALYST).to_numpy()
            click.echo("missing-fields control of the labels: two fits per public collection (minutes; --skip-control skips it)", err=True)
            control = labels.require_control(table[~analyst], table[analyst], random_state=random_state, path=labels_path)
    # as in the evaluated procedure: a counts-only bot collection trains beside humans cut to its fields
    m = model.train(datasets.with_training_copies(table, random_state), random_state=random_state, data_hashes=hashes)
    if control is not None:
        m.card["analyst_labels_control"] = control
    if labels_path:  # which labels trained it, by name as well as by hash: `detector info` shows it
        m.card["analyst_labels"] = {
            "file": Path(labels_path).name, "sha256": info["sha256"], "profiles": Path(profiles_path).name if profiles_path else None,
            "accounts": info["accounts"], "inauthentic": info["inauthentic"], "rows_kept_aside": info["rejects"].n_rejected,
        }  # fmt: skip
    model.record_shipped_unseen(m.card)  # the nested evaluation of this procedure, when this model is its product
    oof = m.card["metrics_out_of_fold"]
    summary = (
        f"trained {m.version} on {len(table):,} accounts: cross-collection ROC-AUC {oof['roc_auc']}, F1 {oof['f1_bot']}"
        if m.card.get("metrics_scope", "").startswith("cross")
        else f"trained {m.version} on {len(table):,} accounts: out-of-fold ROC-AUC {oof['roc_auc']}, F1 {oof['f1_bot']}"
    )
    if output:
        click.echo(f"{summary} -> {model.save_model(m, output)}")
        return
    from detector.accounts import registry

    version = registry.register(m, notes=notes, make_current=make_current)
    where = "now in use" if make_current else f"use it with `detector models use {version}`"
    click.echo(f"{summary} -> registered as {version} ({where})")


def _echo_label_rejects(labels_path: str, info: dict[str, Any], shown: int = 20) -> None:
    """What became of the label file's rows: used, and each row kept aside with its field and reason."""
    rejects = info["rejects"]
    click.echo(f"{labels_path}: {info['accounts']:,} labelled accounts used ({info['inauthentic']:,} inauthentic), {rejects.n_rejected:,} rows kept aside", err=True)
    _echo_aside(rejects, "row", shown)


def _echo_aside(rejects: Any, unit: str, shown: int = 20) -> None:
    """Each record kept aside (the first ``shown``), with its field and reason, for a command that writes no rejects file."""
    from pathlib import Path

    aside = [r for r in rejects.rows if r["action"] == "rejected"]
    for r in aside[:shown]:
        where = f"{Path(r['file']).name}, {unit} {r['row']}" + (f", field {r['field']}" if r["field"] else "")
        click.echo(f"  {where}: {r['reason']}", err=True)
    if len(aside) > shown:
        click.echo(f"  ... and {len(aside) - shown:,} more", err=True)


@cli.command("info")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (default: the one in use).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole model card as JSON.")
@handle_errors
def info_command(model_path: str | None, as_json: bool) -> None:
    """Show the models in use: the account model's version, features, thresholds, data and metrics,
    and the call model's setting and held-out figures per language.

    Example:

        detector info --json
    """
    import json

    from detector.accounts.model import load_model
    from detector.accounts.registry import default_model_path

    path = model_path or str(default_model_path())
    m = load_model(path)
    if as_json:
        click.echo(json.dumps(m.card, indent=2))
        return
    c = m.card
    click.echo(f"model        {m.version}  ({path})")
    click.echo(f"features     v{c['feature_version']}: {', '.join(c['features'])}")
    click.echo(f"family       {c.get('family', 'not recorded')}")
    click.echo(f"thresholds   suspicious >= {c['thresholds']['suspicious']}, likely-genuine < {c['thresholds']['likely_genuine']}")
    click.echo(f"trained on   {c['training']['accounts']:,} accounts: {_pairs(c['training']['collections'])}")
    mine = c.get("analyst_labels")
    if mine:
        profiles = f", profiles from {mine['profiles']}" if mine.get("profiles") else ""
        click.echo(
            f"labels       analyst: {mine['file']} (sha256 {mine['sha256'][:12]}…{profiles}): {mine['accounts']:,} accounts, "
            f"{mine['inauthentic']:,} inauthentic, {mine['rows_kept_aside']:,} rows kept aside; control: {c.get('analyst_labels_control', 'not recorded')}"
        )
    elif "analyst_labels" in c["training"].get("data_sha256", {}):
        click.echo(f"labels       analyst: sha256 {c['training']['data_sha256']['analyst_labels'][:12]}…; control: {c.get('analyst_labels_control', 'not recorded')}")
    unseen = c.get("unseen_collections")
    if unseen:
        click.echo(
            f"unseen       ROC-AUC mean {unseen['roc_auc_mean']}, worst {unseen['roc_auc_worst']} ({unseen['worst_collection']}) "
            f"over {unseen['collections']} collections it never saw (nested leave-one-collection-out; RF-300 peer mean "
            f"{unseen.get('peer_roc_auc_mean', 'n/a')}, worst {unseen.get('peer_roc_auc_worst', 'n/a')})"
        )
        if "organisational_humans_suspicious" in unseen:
            click.echo(
                f"org. shape   suspicious: {unseen['organisational_humans_suspicious']:.1%} of {unseen['organisational_humans_accounts']:,} humans and "
                f"{unseen.get('organisational_bots_suspicious', 0):.1%} of {unseen.get('organisational_bots_accounts', 0):,} bots with "
                f"{unseen['organisational_shape']} (held out, every fold pooled)"
            )
    else:
        click.echo("unseen       not measured for this model (see EVALUATION.md for the shipped procedure)")
    click.echo(f"{'cross-coll.' if c.get('metrics_scope', '').startswith('cross') else 'out-of-fold'}  {_metrics(c['metrics_out_of_fold'], c.get('metrics_scope', ''))}")
    click.echo(f"versions     {_pairs(c['versions'])}")
    _call_model_lines()


def _call_model_lines() -> None:
    """The call model `detector posts` uses: its setting, threshold and held-out figures per language (from its card)."""
    from detector.posts import call_model

    try:
        cm = call_model.load_model()
    except ModelError as exc:
        click.echo(f"call model   not loaded: {exc}")
        return
    c = cm.card
    choice = c.get("choice", {})
    click.echo(f"call model   {c.get('name', 'call-model')} trained {str(c.get('trained', '?'))[:10]}: C={choice.get('C', '?'):g}, "
               f"{choice.get('features', '?')}, threshold {cm.threshold} ({call_model.default_model_path()})")
    m = c.get("metrics_nested_cv")
    if not m:
        click.echo("calls CV     not recorded in the card (see EVALUATION.md)")
        return
    pr = m["model"]
    line = (f"calls CV     nested grouped CV on {pr['n']:,} labelled posts ({pr['calls']} calls): precision {pr['precision']:.2f}, "
            f"recall {pr['recall']:.2f}; lexicon alone {m['lexicon']['precision']:.2f}, {m['lexicon']['recall']:.2f}")
    by = c.get("metrics_nested_cv_by_language") or {}
    if by:
        line += "; precision/recall by language: " + ", ".join(
            f"{lg} {v['model']['precision']:.2f}/{v['model']['recall']:.2f} ({v['model']['calls']} calls)" for lg, v in by.items())
    click.echo(line)


def _pairs(d: dict[str, Any]) -> str:
    """``{'python': '3.11.7', 'numpy': '2.4.6'}`` → ``python 3.11.7, numpy 2.4.6`` (counts with thousands)."""
    return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in d.items())


_METRIC_NAMES = {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "f1_bot": "bot F1", "brier": "Brier", "ece": "ECE"}


def _metrics(m: dict[str, Any], scope: str) -> str:
    """A card's metrics in words: ``ROC-AUC 0.6874, PR-AUC 0.7554, ... on 98,000 scores (62,000 inauthentic)``."""
    named = ", ".join(f"{_METRIC_NAMES.get(k, k)} {v}" for k, v in m.items() if k not in ("n", "positives"))
    counted = f" on {m['n']:,} {scope or 'scores'}" if isinstance(m.get("n"), int) else ""
    positives = f", {m['positives']:,} of them inauthentic" if isinstance(m.get("positives"), int) else ""
    return named + counted + positives


@cli.group("models")
def models_group() -> None:
    """The model registry: stored versions, their cards, and the one in use.

    The registry lives in DETECTOR_HOME (default: the data folder, as for the store).
    """


@models_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@handle_errors
def models_list(as_json: bool) -> None:
    """List the stored models; * marks the one in use.

    Example:

        detector models list
    """
    import dataclasses
    import json

    from detector.accounts import registry

    entries = registry.list_models()
    if as_json:
        click.echo(json.dumps([{**dataclasses.asdict(e), "path": str(e.path)} for e in entries], indent=1))
        return
    current = registry.current_version()
    click.echo(f"{'*' if current is None else ' '} packaged  (shipped with detector)")
    for e in entries:
        auc = "n/a" if e.roc_auc is None else f"{e.roc_auc:.3f}"
        unseen = "" if e.unseen_roc_auc_mean is None else f", unseen collections ROC-AUC mean {e.unseen_roc_auc_mean:.3f} worst {e.unseen_roc_auc_worst:.3f}"
        click.echo(f"{'*' if e.current else ' '} {e.version}  {e.accounts:,} accounts, {e.roc_auc_scope} ROC-AUC {auc}{unseen}  {e.notes[:60]}".rstrip())


@models_group.command("show")
@click.argument("version", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the card as JSON.")
@handle_errors
def models_show(version: str | None, as_json: bool) -> None:
    """Show a model's card: data, metrics, intended use, limitations, false-positive risk.

    VERSION defaults to the model in use; 'packaged' is the shipped one.

    Example:

        detector models show acct-20261125T075939Z
    """
    import json

    from detector.accounts import registry

    card = registry.show(version)
    click.echo(json.dumps(card, indent=2) if as_json else registry.card_markdown(card))


@models_group.command("use")
@click.argument("version")
@handle_errors
def models_use(version: str) -> None:
    """Make VERSION the model that score, posts and run load ('packaged' for the shipped one).

    Example:

        detector models use acct-20261125T075939Z
    """
    from detector.accounts import registry

    path = registry.use(version)
    click.echo(f"now using {'the packaged model' if path is None else f'{version} ({path})'}")


@models_group.command("add")
@click.argument("model_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--notes", help="Free text kept in the card.")
@click.option("--use", "make_current", is_flag=True, help="Also make it the model in use.")
@handle_errors
def models_add(model_file: str, notes: str | None, make_current: bool) -> None:
    """Register a model file written by `detector train -o FILE`.

    Example:

        detector train --labels mine.csv -o /tmp/m.npz && detector models add /tmp/m.npz --use
    """
    from detector.accounts import registry

    version = registry.add_file(model_file, notes=notes, make_current=make_current)
    click.echo(f"registered {version}{' (in use)' if make_current else ''}")


@cli.command("evaluate")
@deprecated_alias("--out", "-o/--output", "out_path", click.Path(dir_okay=False))
@click.option("-o", "--output", "out_path", default="EVALUATION.md", show_default=True, type=click.Path(dir_okay=False), help="Markdown file whose account section is rewritten.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, exists=True), help="Also evaluate the effect of analyst labels (account_id,label plus profiles, or --profiles).")
@click.option(
    "--profiles", "profiles_path", type=click.Path(exists=True),
    help="With --labels: the labelled accounts' profiles, in any shape `detector score` reads, joined on account_id or screen name.",
)
@click.option("--as-of", callback=_as_of, help="With --labels: collection time for labelled profiles that carry none (default: now; account ages are measured to it).")
@click.option("--card", "card_path", type=click.Path(dir_okay=False, exists=True), help="Model card to record the unseen-collection figures in.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Processes for the held-out collections (the figures do not depend on it).")
@click.option("--raw-out", type=click.Path(file_okay=False), help="Also keep the run's raw outputs (every score, the choices) in this folder.")
@handle_errors
def evaluate_command(
    out_path: str, labels_path: str | None, card_path: str | None, workers: int, raw_out: str | None, profiles_path: str | None = None, as_of: Any = None
) -> None:
    """Evaluate the account model by nested leave-one-collection-out (takes minutes).

    Every collection is held out in turn; on the others the whole procedure that builds the shipped
    model (choice of features and training collections, fit, calibration) runs, then the held-out
    collection is scored, beside a RandomForest-300 peer. With --card, the unseen-collection
    figures go into that model card too (when the card's model was built by the same procedure).

    Example:

    \b
        detector evaluate -o EVALUATION.md --card detector/data/account-model.card.json
        detector evaluate --labels ids_and_labels.csv --profiles profiles.jsonl
    """
    import json
    from pathlib import Path

    from detector.accounts.model import record_unseen
    from detector.training.evaluate import evaluate_accounts, write_section

    if profiles_path and not labels_path:
        raise click.UsageError("--profiles gives the profiles of the --labels accounts: give --labels too")
    if labels_path:
        # The labels and their profiles are joined before the nested run (minutes), so a file that
        # cannot be used stops at once, and what became of each row is said first.
        from detector.training.datasets import load_training_table
        from detector.training.labels import add_analyst_labels

        _, info = add_analyst_labels(load_training_table(), labels_path, profiles=profiles_path, as_of=as_of)
        _echo_label_rejects(labels_path, info)
    result = evaluate_accounts(labels_path=labels_path, workers=workers)
    write_section(out_path, result.markdown)
    if raw_out:
        from detector.training.evaluate import save_raw

        click.echo(f"raw outputs -> {save_raw(result, raw_out)}")
    click.echo(result.summary)
    if card_path:
        card = json.loads(Path(card_path).read_text(encoding="utf-8"))
        record_unseen(card, result.unseen)
        if "unseen_collections" not in card:  # kept for `detector train`, which builds the model they describe
            card["evaluated_procedure"] = result.unseen
        _write_json(card_path, card, indent=2)  # atomically: a killed write must not leave the model's card half written
        click.echo(
            f"{card_path}: "
            + ("unseen-collection figures recorded" if "unseen_collections" in card else "not the model the evaluated procedure builds; figures kept under 'evaluated_procedure' for `detector train`")
        )
    if labels_path:
        from detector.training.labels import passes_control, write_evaluation

        analyst = write_evaluation(out_path, labels_path, profiles=profiles_path, as_of=as_of)
        click.echo(f"analyst labels: 'Analyst labels' section written; missing-fields control {'passed' if passes_control(analyst) else 'FAILED'}")


@cli.group("datasets")
def datasets_group() -> None:
    """The shipped training tables."""


@datasets_group.command("build")
@click.option("--raw", type=click.Path(file_okay=False, exists=True), help="Folder of the raw published sets (default: ../shared/datasets).")
@handle_errors
def datasets_build(raw: str | None) -> None:
    """Rebuild datasets/accounts/*.parquet from the raw published sets.

    Example:

        detector datasets build --raw ../shared/datasets
    """
    from pathlib import Path

    from detector.training import datasets

    manifest = datasets.build_tables(Path(raw) if raw else datasets.DEFAULT_RAW)
    collections: dict[str, dict[str, Any]] = manifest["collections"]  # type: ignore[assignment]
    for name, info in collections.items():
        click.echo(f"{name}: {info['accounts']:,} accounts, {info['inauthentic']:,} inauthentic")


def _name_platforms(scores: Any, authors: Any, posts: Any) -> tuple[Any, Any]:
    """Add a ``platform`` column to the post and author tables of an input that is not all X's:
    ids collide across platforms, so there a row is only known by (platform, id)."""
    if "platform" not in posts.columns or posts["platform"].eq("x").all():
        return scores, authors
    if "platform" not in scores.columns:
        same_rows = len(scores) == len(posts) and (scores["post_id"].to_numpy() == posts["post_id"].to_numpy()).all()
        if same_rows:
            scores = scores.assign(platform=posts["platform"].to_numpy())
        else:
            scores = scores.merge(posts[["post_id", "platform"]].drop_duplicates("post_id"), on="post_id", how="left")
    if "platform" not in authors.columns:
        platform_of = posts.drop_duplicates("author_id").set_index("author_id")["platform"]
        authors = authors.assign(platform=authors["author_id"].map(platform_of))
    return scores, authors


def _timedelta(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    import pandas as pd

    try:
        td = pd.Timedelta(value)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a duration (try 10min, 90s, 1h)") from exc
    if td <= pd.Timedelta(0):
        raise click.BadParameter("must be positive")
    return td


@cli.command("posts")
@deprecated_alias("--clusters", "--clusters-out", "clusters_out", click.Path(dir_okay=False))
@deprecated_alias("--accounts", "--accounts-out", "accounts_out", click.Path(dir_okay=False))
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", default="post_scores.csv", show_default=True, help="Post scores (CSV, JSONL, JSON or Parquet by extension; - for stdout).")
@click.option("--clusters-out", "clusters_out", type=click.Path(dir_okay=False), show_default="not written", help="Also write one row per cluster membership, with its evidence (`detector report` and `detector explain` read it).")
@click.option("--accounts-out", "accounts_out", type=click.Path(dir_okay=False), show_default="not written", help="Also write one row per author: posts, coordination, account and combined scores.")
@click.option("--campaigns-out", "campaigns_out", type=click.Path(dir_okay=False), show_default="not written", help="Also write one row per campaign: the clusters that share posts, their accounts, span, evidence and linked campaigns.")
@click.option("--profiles", "profiles_path", type=click.Path(dir_okay=False, exists=True), help="Author profiles in any shape `detector score` reads, scored with the account model and joined on author id or screen name.")
@click.option("--as-of", callback=_as_of, help="Collection time for profiles that carry none (--profiles records, TwiBot-20 users; default: the latest post's time, else now; now with --engine dask).")
@click.option("--timings-out", "timings_out", type=click.Path(dir_okay=False), show_default="not written", help="Also write the seconds each stage took, wall clock and CPU (JSON).")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "json", "jsonl", "parquet"]), default="auto", show_default=True, help="Input format (detected from content by default).")
@click.option("--window", callback=_timedelta, default="10min", help="Coordination window: the largest gap between consecutive posts of one cluster.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=0.8, help="Text similarity (Jaccard) for near-duplicate posts.")
@click.option("--min-accounts", type=click.IntRange(min=2), default=2, help="Distinct accounts a cluster needs.")
@click.option("--kinds", default="text,repost,url,hashtags", help="Comma-separated coordination kinds to look for.")
@click.option("--burst-window", callback=_timedelta, default="1h", show_default=True, help="Half-width of the author burst window.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Account model for the authors' profiles (default: the registry's or the shipped one).")
@click.option("--no-account-model", is_flag=True, help="Do not score the authors' profiles even when they come with the posts.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes for coordination.")
@lookalike_option
@filter_options
@input_options
@engine_options
@handle_errors
def posts_command(
    input_path: str,
    output: str,
    clusters_out: str | None,
    accounts_out: str | None,
    campaigns_out: str | None,
    profiles_path: str | None,
    as_of: Any,
    timings_out: str | None,
    fmt: str,
    window: Any,
    threshold: float | None,
    min_accounts: int | None,
    kinds: str | None,
    burst_window: Any,
    model_path: str | None,
    no_account_model: bool,
    workers: int,
    min_score: float | None,
    labels: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    lookalike: bool = True,
    date_order: str | None = None,
    date_format: str | None = None,
    columns_spec: str | None = None,
    tz: str | None = None,
) -> None:
    """Score posts: calls to action, coordination and author suspicion.

    Reads a flat post CSV, the IRA CSV, v1.1 tweets, X API v2 pages, twarc2 JSONL, TwiBot-20
    user records, a Telegram Desktop export (result.json), and Bluesky, Mastodon or TikTok records. Rejected
    records go to OUTPUT.rejects.csv beside it; the others are still scored. OUTPUT holds each post's
    author, time, text, language, score, label, call to action (what, when, where), clusters,
    campaign and reasons. Posts without an author are scored for their text only.

    Example:

    \b
        detector posts datasets/examples/posts/ira_texit_calls.csv -o out/post_scores.csv \\
            --clusters-out out/clusters.csv --accounts-out out/accounts.csv
    """
    from detector import progress
    from detector.accounts.score import keep_rows
    from detector.errors import NothingScoredError
    from detector.io import check_outputs, write_rejects, write_tables
    from detector.posts.calls import StageTimes, analyse_posts, stage
    from detector.posts.read import match_profiles, read_posts

    dask = engine == "dask"  # the dask engine writes the post scores and the authors as folders of parts
    check_outputs([clusters_out, campaigns_out] + ([] if dask else [output, accounts_out]), parts=[output, accounts_out] if dask else [])
    kind_tuple = tuple(k.strip() for k in kinds.split(",") if k.strip()) if kinds else None
    if engine == "dask":
        from detector.engine import analyse_partitioned, dask_client
        from detector.posts.calls import StageTimes

        _no_filters_on_dask(min_score, labels)
        # Every partition reads by the same rules (an explicit order or format decides nothing per file).
        dask_dates, dask_columns = _input_rules(date_order, date_format, columns_spec, tz)
        dask_timings = StageTimes()
        with dask_client(scheduler) as client:
            drun = analyse_partitioned(
                input_path, output, clusters_out=clusters_out, accounts_out=accounts_out, campaigns_out=campaigns_out, fmt=None if fmt == "auto" else fmt,
                model=model_path, use_model=not no_account_model, window=window, threshold=threshold,
                min_accounts=min_accounts, kinds=kind_tuple, burst_window=burst_window, client=client,
                profiles=profiles_path, dates=dask_dates, columns=dask_columns, timings=dask_timings, as_of=as_of, lookalike=lookalike,
            )  # fmt: skip
        if timings_out:
            # Phases as the client sees them; the workers' CPU is not in the client's CPU seconds.
            _write_json(timings_out, {"engine": "dask", "seconds": {k: round(v, 3) for k, v in dask_timings.items()},
                                      "client_cpu_seconds": {k: round(v, 3) for k, v in dask_timings.cpu.items()}})  # fmt: skip
        if drun.extra.get("profiles_given") is not None:
            n_matched, n_given = drun.extra["profiles_given"]
            _profiles_note(n_matched, n_given, profiles_path)
        counted = drun.labels
        click.echo(
            f"{drun.scored} posts scored from {drun.partitions} partitions: {counted.get('suspicious', 0)} suspicious, "
            f"{counted.get('uncertain', 0)} uncertain, {counted.get('likely-genuine', 0)} likely-genuine; "
            f"{drun.extra['calls_to_action']} calls to action; {drun.extra['clusters']} clusters; "
            f"{drun.extra['author_profiles_scored']} author profiles scored; {drun.candidates} posts shared a coordination key",
            err=True,
        )
        _say_author_lookalikes(drun.extra["lookalike"], accounts_out, lookalike)
        if drun.extra["times_named"]:
            from detector.posts.extract import zone_note

            click.echo(zone_note(tz), err=True)
        if drun.rejects_path:
            click.echo(f"{_n(drun.rejected, 'record')} rejected, {_n(drun.warnings, 'field warning')}: see {drun.rejects_path}", err=True)
        return
    from detector.io import readable_input, refuse_overwrite
    from detector.memory import reuse_freed_memory

    refuse_overwrite([input_path, profiles_path], [output, clusters_out, accounts_out, campaigns_out, timings_out])
    reuse_freed_memory()  # a third of the job's CPU went to the kernel zeroing fresh pages for arrays made again
    dates, columns = _input_rules(date_order, date_format, columns_spec, tz)
    timings = StageTimes()
    with stage(timings, "read"):
        with readable_input(input_path) as path:
            try:
                read = read_posts(path, None if fmt == "auto" else fmt, dates=dates, columns=columns, as_of=as_of)
            except NothingScoredError as exc:
                raise _with_rejects_written(exc, output) from exc
        profiles = read.profiles
        if profiles_path:
            import pandas as pd

            from detector.accounts.read import read_profiles

            given = read_profiles(profiles_path, dates=dates.for_file(), as_of=as_of, latest_post=read.posts["created_at"].max())
            read.rejects.extend(given.rejects)
            matched = match_profiles(given.accounts, read.posts)
            _profiles_note(len(matched), len(given.accounts), profiles_path)
            profiles = matched if profiles is None else pd.concat([profiles, matched], ignore_index=True)
    result = analyse_posts(
        read.posts,
        users=read.users,
        profiles=profiles,
        path=input_path,
        model=model_path,
        use_model=not no_account_model,
        window=window,
        threshold=threshold,
        min_accounts=min_accounts,
        kinds=kind_tuple,
        workers=workers,
        burst_window=burst_window,
        rejects=read.rejects,
        timings=timings,
        tz=tz,
        lookalike=lookalike,
    )
    posts_out, authors = _name_platforms(result.posts, result.authors, read.posts)
    kept = keep_rows(posts_out, min_score, labels)
    tables = [(kept, output)]
    if clusters_out:
        tables.append((result.memberships, clusters_out))
    if accounts_out:
        tables.append((_with_model_version(authors, result.account_scores), accounts_out))
    if campaigns_out:
        tables.append((result.campaigns.campaigns, campaigns_out))
    with stage(timings, "write"), progress.bar("writing", total=sum(len(df) for df, _ in tables), unit="rows") as bar:
        write_tables(tables, bar.update)
        rejected = write_rejects(read.rejects, output)
    if timings_out:
        _write_json(timings_out, {"seconds": {k: round(v, 3) for k, v in timings.items()}, "cpu_seconds": {k: round(v, 3) for k, v in timings.cpu.items()},
                                  "overlapped": timings.overlapped})  # fmt: skip
    counts = result.scores["label"].value_counts()
    n_clusters = result.memberships["cluster_id"].nunique() if len(result.memberships) else 0
    click.echo(
        f"{len(result.scores)} posts scored ({read.shape}): {counts.get('suspicious', 0)} suspicious, "
        f"{counts.get('uncertain', 0)} uncertain, {counts.get('likely-genuine', 0)} likely-genuine; "
        f"{_n(int(result.posts['is_call'].sum()), 'call')} to action; {_n(n_clusters, 'cluster')} in {_n(len(result.campaigns.campaigns), 'campaign')}; "
        f"{0 if result.account_scores is None else len(result.account_scores)} author profiles scored",
        err=True,
    )
    from detector.accounts.lookalike import group_counts

    _say_author_lookalikes(group_counts(result.account_scores), accounts_out, lookalike)
    if result.posts["when"].astype("string").fillna("").ne("").any():
        from detector.posts.extract import zone_note

        click.echo(zone_note(tz), err=True)
    if min_score is not None or labels:
        click.echo(f"{len(kept)} of {len(result.posts)} post scores kept by {_filter_words(min_score, labels)} -> {output}", err=True)
    if rejected:
        click.echo(f"{_n(read.rejects.n_rejected, 'record')} rejected, {_n(read.rejects.n_field_warnings, 'field warning')}: see {rejected}", err=True)


def _say_author_lookalikes(counts: tuple[int, int], accounts_out: str | None, lookalike: bool) -> None:
    """The look-alike groups across the authors' profiles, once (and once that they were not looked for)."""
    from detector.accounts.lookalike import OFF_NOTICE

    groups, accounts = counts
    if groups:
        where = f"column lookalike_evidence of {accounts_out}" if accounts_out else "--accounts-out writes them"
        click.echo(f"{_n(groups, 'look-alike group')} of {_n(accounts, 'author profile')}: see {where}", err=True)
    elif not lookalike:
        click.echo(f"note: {OFF_NOTICE}", err=True)


def _profiles_note(matched: int, given: int, path: str | None) -> None:
    """How many ``--profiles`` matched an author: profiles of other people change nothing, and the
    summary would look the same as without them."""
    note = f"{matched} of {_n(given, 'profile')} in {path} match an author of the posts (by author id or screen name)"
    click.echo(f"{'warning: ' if matched == 0 else ''}{note}", err=True)


def _with_model_version(authors: Any, account_scores: Any) -> Any:
    from detector.ops.runner import author_model_version

    return authors.assign(model_version=author_model_version(account_scores))


@cli.group("watch")
def watch_group() -> None:
    """Watches: what to follow and when to flag, from a TOML file."""


@watch_group.command("list")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Watch file (default: watches.toml in the data folder).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@handle_errors
def watch_list(config_path: str | None, as_json: bool) -> None:
    """Show the watches of the watch file.

    Example:

        detector watch list --config watches.example.toml
    """
    import json

    from detector.ops.watch import load_watches

    watches = [w.as_dict() for w in load_watches(config_path).values()]
    if as_json:
        click.echo(json.dumps(watches, ensure_ascii=False, indent=1))
        return
    head = ["NAME", "QUERIES", "HASHTAGS", "ACCOUNTS", "LANGUAGES", "THRESHOLDS"]
    rows = [
        [
            w["name"],
            " | ".join(w["queries"]) or "-",
            " ".join(f"#{h}" for h in w["hashtags"]) or "-",
            " ".join(f"@{a}" for a in w["accounts"]) or "-",
            ",".join(w["languages"]) or "any",
            " ".join(f"{k}={v:g}" for k, v in w["thresholds"].items() if v is not None) or "model defaults",
        ]
        for w in watches
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip())


@watch_group.command("runs")
@click.option("--watch", "watch_name", help="Only this watch's runs.")
@click.option("--db", help="Store: postgresql:// URL or SQLite file (default: the data folder's).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder of the default SQLite store.")
@click.option("--last", type=click.IntRange(min=1), default=10, show_default=True, help="The latest runs shown.")
@handle_errors
def watch_runs(watch_name: str | None, db: str | None, data_dir: str | None, last: int) -> None:
    """Show the latest runs of the watches from the store.

    Each run's status (ok; failed; running: under way, or killed and resumed by the next run), its start
    and end, then its error or its summary (which names the rejects file of its import).

    Example:

        detector watch runs --watch paris-march --last 3
    """
    import pandas as pd

    from detector.ops.store import open_store

    def utc(value: object) -> str:
        return "…" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%SZ")

    with open_store(db, data_dir) as store:
        runs = store.runs(watch_name).tail(last)
    if runs.empty:
        click.echo(f"no run of watch '{watch_name}' in the store" if watch_name else "no run in the store")
        return
    for r in runs.itertuples(index=False):
        click.echo(f"{r.run_id}  {r.watch}  {r.status}  {utc(r.started_at)} - {utc(r.finished_at)}")
        if isinstance(r.detail, str) and r.detail:
            click.echo(f"  {r.detail}")


@cli.command("report")
@deprecated_alias("--accounts", "--scores", "accounts_path", click.Path(dir_okay=False, exists=True))
@deprecated_alias("--profiles", "--scores", "accounts_path", click.Path(dir_okay=False, exists=True))
@deprecated_alias("--out", "-o/--output", "out_dir", click.Path(file_okay=False))
@click.option("--since", show_default="24h from the store; the data's first time from files", help="Start of the window: a duration before --until (90m, 24h, 7d, 2w) or a date.")
@click.option("--until", "until_text", show_default="now from the store; the data's last time from files", help="End of the window (ISO date/time, UTC if no zone).")
@click.option("--watch", "watch_name", help="Report on one watch: its posts and its thresholds.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Watch file (default: watches.toml in the data folder).")
@click.option("-o", "--output", "out_dir", default="reports", type=click.Path(file_okay=False), help="Folder for the HTML, CSV and JSON files.")
@click.option("--from-dir", "from_dir", type=click.Path(file_okay=False, exists=True), help="Read the files `detector score` and `detector posts` write (scores.*, accounts.*, authors.*; post_scores.* or posts.*; clusters.*; campaigns.*) from this folder instead of the store; post scores alone will do.")
@click.option("--scores", "accounts_path", type=click.Path(dir_okay=False, exists=True), help="Account scores file (`detector score` output, or `detector posts --accounts-out`) instead of the store.")
@click.option("--posts", "posts_path", type=click.Path(dir_okay=False, exists=True), help="Post scores file (detector posts output).")
@click.option("--clusters", "clusters_path", type=click.Path(dir_okay=False, exists=True), help="Clusters or cluster memberships file.")
@click.option("--campaigns", "campaigns_path", type=click.Path(dir_okay=False, exists=True), help="Campaigns file (`detector posts --campaigns-out`); without it they are built from the memberships.")
@click.option("--post-texts", "post_texts", type=click.Path(exists=True), help="The posts themselves (any input format), to give post scores their text and time.")
@click.option("--db", help="Store: postgresql:// URL or SQLite file (default: the data folder's).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder of the default SQLite store.")
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True, help="Accounts, posts and clusters listed in the HTML.")
@handle_errors
def report_command(
    since: str | None,
    until_text: str | None,
    watch_name: str | None,
    config_path: str | None,
    out_dir: str,
    from_dir: str | None,
    accounts_path: str | None,
    posts_path: str | None,
    clusters_path: str | None,
    campaigns_path: str | None,
    post_texts: str | None,
    db: str | None,
    data_dir: str | None,
    top: int,
) -> None:
    """Write a self-contained HTML report, with CSV and JSON of the same data.

    Reads the history store unless files are given. Each run writes
    report[-WATCH]-<until>.{html,csv,json} (+ .posts.csv, .clusters.csv) and report[-WATCH]-latest.*
    into OUTPUT, and compares with the previous report there ("what changed"). From files, the
    window is the span of the data unless --since/--until say otherwise.

    Example:

    \b
        detector report --since 24h --watch paris-march -o reports/
        detector report --from-dir out/ -o reports/
        detector report --from-dir out/ --since 2015-08-09 --until 2015-08-10 -o reports/
    """
    from detector.errors import InputError
    from detector.io import write_rejects
    from detector.ops import report as rep

    # From files, an end not given is the data's own (found when they are read); from the store, now.
    from_files = bool(from_dir or accounts_path or posts_path)
    now = rep.now_utc()
    until = rep.parse_time(until_text) if until_text is not None else None
    start: Any
    if since is None:
        start = None if from_files else rep.parse_since("24h", until or now)
    elif from_files and until is None:
        start = rep.parse_duration(since) or rep.parse_time(since, "since")  # a duration ends at the data's last time
    else:
        start = rep.parse_since(since, until or now)
    watch = None
    if watch_name is not None:
        from detector.ops.watch import get_watch

        watch = get_watch(watch_name, config_path)
    rejects = None
    if from_files:
        files = rep.find_inputs(from_dir) if from_dir else {}
        data, rejects = rep.load_report_files(
            accounts_path or files.get("accounts"),
            posts=posts_path or files.get("posts"),
            clusters=clusters_path or files.get("clusters"),
            campaigns=campaigns_path or files.get("campaigns"),
            post_texts=post_texts,
            since=start,
            until=until,
            watch=watch,
        )
    elif clusters_path or campaigns_path or post_texts:
        raise InputError("--clusters, --campaigns and --post-texts go with --scores, --posts or --from-dir", field="scores")
    else:
        from detector.ops.store import open_store

        with open_store(db, data_dir) as store:
            data = rep.load_report_store(store, since=start, until=until or now, watch=watch)
    data.top = top
    if data.window_note:
        click.echo(f"window {rep.window_text(data)} ({data.window_note})", err=True)
    paths = rep.write_report(data, out_dir)
    if rejects is not None and len(rejects):
        target = write_rejects(rejects, str(paths.csv))
        click.echo(f"{_n(len(rejects), 'record')} rejected: see {target}", err=True)
    click.echo(str(paths.html))
    click.echo(str(paths.csv))
    click.echo(str(paths.json))
    if paths.previous:
        click.echo(f"compared with {paths.previous}", err=True)


@cli.command("explain")
@click.argument("account")
@click.argument("other", required=False)
@click.option("--clusters", "clusters_path", type=click.Path(dir_okay=False, exists=True), show_default="the store", help="Cluster memberships file (`detector posts --clusters-out`) instead of the store.")
@click.option("--watch", "watch_name", help="From the store: only the clusters of this watch's runs.")
@click.option("--db", help="Store: postgresql:// URL or SQLite file (default: the data folder's).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder of the default SQLite store.")
@click.option("--max-posts", type=click.IntRange(min=1), default=10, help="Posts printed per shared event (--json has all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@handle_errors
def explain_command(account: str, other: str | None, clusters_path: str | None, watch_name: str | None, db: str | None, data_dir: str | None, max_posts: int, as_json: bool) -> None:
    """Why ACCOUNT is linked to OTHER: the coordination events they share, with posts, times and texts.

    Without OTHER, lists the accounts ACCOUNT shares events with. Accounts are ids or @screen_names.

    Example:

    \b
        detector explain @ALTMANCOON @SHERRRRLEY --clusters out/clusters.csv
        detector explain 1001 --watch paris-march
    """
    import json

    from detector.ops import linkage

    if clusters_path is not None:
        from detector.io import Rejects, rows_held

        # Records that cannot be read are kept aside and listed here (explain writes no rejects file); the rest are used.
        rejects = Rejects(clusters_path)
        try:
            with rows_held():
                memberships = linkage.read_memberships(clusters_path, rejects)
        finally:
            if rejects.n_rejected:
                click.echo(f"{clusters_path}: {_n(rejects.n_rejected, 'record')} kept aside, not read:", err=True)
                _echo_aside(rejects, "record")
        source = clusters_path
    else:
        from detector.ops.store import open_store

        with open_store(db, data_dir) as store:
            memberships = linkage.memberships_from_store(store, watch=watch_name)
            source = "the store" + (f" (watch {watch_name})" if watch_name else "")
    link = linkage.explain_link(memberships, account, other, source=source)
    if as_json:
        click.echo(json.dumps(link.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(linkage.render_text(link, max_posts=max_posts), nl=False)


@cli.group("collect")
@click.option("--platform", type=click.Choice(["x", "bluesky", "mastodon"]), default="x", show_default=True, help="Where to collect: the X API v2, Bluesky (atproto, an app password in BLUESKY_HANDLE / BLUESKY_APP_PASSWORD) or a Mastodon server (public data, no token). Give it before the command.")
@click.option("--server", default="https://mastodon.social", show_default=True, help="The Mastodon server to ask (with --platform mastodon).")
def collect_group(platform: str, server: str) -> None:
    """Collect accounts and posts from the X API v2, Bluesky or Mastodon into the history store.

    The X bearer token comes from X_BEARER_TOKEN, the Bluesky app password from
    BLUESKY_HANDLE / BLUESKY_APP_PASSWORD, either from the environment or a .env file; neither is
    ever shown. Rate limits are waited out; an interrupted collection resumes where it stopped
    when run again.

    Example:

    \b
        detector collect --platform bluesky search '#marcha'
        detector collect --platform mastodon --server https://piaille.fr search '#greve'
    """


def collect_options(func: F) -> F:
    """Options shared by every ``collect`` command: the store, the token file, raw JSONL out."""
    for option in reversed([
        click.option("--db", help="Store: postgresql:// URL or SQLite file (default: the data folder's)."),
        click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder of the default SQLite store."),
        click.option("--env-file", type=click.Path(dir_okay=False), help="A .env file holding X_BEARER_TOKEN (default: ./.env)."),
        click.option("--jsonl-out", "jsonl_out", type=click.Path(dir_okay=False), show_default="not written", help="Also write the raw v2 responses of this collection here (JSONL), for offline scoring."),
    ]):
        func = option(func)
    return deprecated_alias("--jsonl", "--jsonl-out", "jsonl_out", click.Path(dir_okay=False))(func)


def _run_collection(db: str | None, data_dir: str | None, env_file: str | None, jsonl_out: str | None, job: Callable[..., Any]) -> None:
    from detector.ops.collect import (
        Collector,
        PlatformCollector,
        load_bearer_token,
        platform_collector,
    )
    from detector.ops.store import open_store

    parent = click.get_current_context().parent  # the collect group: --platform, --server
    options = parent.params if parent is not None else {}
    platform = options.get("platform") or "x"
    # Credentials first: a missing token must not leave an empty database behind.
    if platform == "x":
        token = load_bearer_token(env_file)
    else:
        source = platform_collector(platform, server=options.get("server"), env_file=env_file)
    with open_store(db, data_dir) as store:
        collector = Collector(store, env_file=env_file, bearer_token=token) if platform == "x" else PlatformCollector(store, platform, collector=source)
        stats = job(collector)
        if jsonl_out:
            n = store.export_pages(jsonl_out, source=stats.source)
            click.echo(f"{n} raw response(s) written to {jsonl_out}", err=True)
    click.echo(stats.summary())


@collect_group.command("users")
@click.argument("users", nargs=-1)
@click.option("--file", "users_file", type=click.Path(dir_okay=False, exists=True, allow_dash=True), metavar="FILENAME", help="Read ids or usernames from this file, one a line (# starts a comment).")
@click.option("--by", type=click.Choice(["auto", "ids", "usernames"]), default="auto", show_default=True, help="Whether the values are numeric ids or usernames (auto: ids when all are numeric).")
@collect_options
@handle_errors
def collect_users_command(users: tuple[str, ...], users_file: str | None, by: str, db: str | None, data_dir: str | None, env_file: str | None, jsonl_out: str | None) -> None:
    """Look up accounts (100 per request); record suspended and unknown ones as statuses.

    Example:

    \b
        detector collect users XDevelopers @someone --db detector.sqlite

        detector collect users --file ids.txt --by ids
    """
    from detector.errors import ConfigError
    from detector.io import read_text_input

    values = list(users)
    if users_file is not None:
        # A file through the input layer (a UTF-16 list from Notepad, a UTF-8 mark that would stick to the first id).
        text = sys.stdin.read() if users_file == "-" else read_text_input(users_file)
        values += [line.split("#", 1)[0].strip() for line in text.splitlines()]
    values = [v for v in values if v]
    if not values:
        raise ConfigError("no users given: name them as arguments or with --file")
    if by == "auto":
        by = "ids" if all(v.isdigit() for v in values) else "usernames"
    _run_collection(db, data_dir, env_file, jsonl_out, lambda c: c.collect_users(**{by: values}))


@collect_group.command("timeline")
@click.argument("user")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many pages (run again to continue).")
@collect_options
@handle_errors
def collect_timeline_command(user: str, max_pages: int | None, db: str | None, data_dir: str | None, env_file: str | None, jsonl_out: str | None) -> None:
    """Collect one account's recent posts; later runs fetch only newer ones.

    Example:

    \b
        detector collect timeline @XDevelopers --max-pages 5
    """
    _run_collection(db, data_dir, env_file, jsonl_out, lambda c: c.collect_timeline(user, max_pages=max_pages))


@collect_group.command("search")
@click.argument("query")
@click.option("--since", callback=_since, help="Oldest post time for the first pass: a date/time (UTC if no zone) or a span back from now (90m, 24h, 6d). Recent search covers 7 days.")
@click.option("--until", "until_text", callback=_since, help="Newest post time (same forms as --since).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many pages (run again to continue).")
@collect_options
@handle_errors
def collect_search_command(query: str, since: str | None, until_text: str | None, max_pages: int | None, db: str | None, data_dir: str | None, env_file: str | None, jsonl_out: str | None) -> None:
    """Collect posts matching QUERY (X recent-search syntax); later runs fetch only newer ones.

    Example:

    \b
        detector collect search '#marcha lang:es' --since 24h --jsonl-out marcha.jsonl
    """
    _run_collection(
        db, data_dir, env_file, jsonl_out,
        lambda c: c.collect_search(query, since=since, until=until_text, max_pages=max_pages),
    )


@cli.command("run")
@deprecated_alias("--accounts", "--profiles", "from_accounts", click.Path(dir_okay=False, exists=True))
@deprecated_alias("--out", "-o/--output", "out_dir", click.Path(file_okay=False))
@click.option("--watch", "watch_name", required=True, help="The watch to run (see `detector watch list`).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Watch file (default: watches.toml in the data folder).")
@click.option("--from", "from_posts", type=click.Path(exists=True), multiple=True, help="Run offline on exported posts (any format `detector posts` reads; a folder of Telegram exports) instead of collecting; repeat it for a day's exports of several platforms: one run, one report.")
@click.option("--profiles", "from_accounts", type=click.Path(dir_okay=False, exists=True), help="Offline: also import these author profiles (any format `detector score` reads).")
@click.option("--as-of", callback=_as_of, help="Collection time for --profiles records that carry none (default: the latest post's time of --from, else now).")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), show_default="<data dir>/reports/WATCH", help="Report folder.")
@click.option("--db", help="Store: postgresql:// URL or SQLite file (default: the data folder's).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder: store, lock, logs, reports (default: $DETECTOR_DATA_DIR).")
@click.option("--log-file", "run_log", type=click.Path(dir_okay=False), help="Log file, at INFO level (default: <data dir>/logs/detector.log).")
@click.option("--lookback", callback=_timedelta, default="24h", show_default=True, help="Posts the watch saw this long before the run are analysed with the new ones.")
@click.option("--since", "collect_since", callback=_since, help="Oldest post of the watch's first collection (a date or 24h, 6d); later runs fetch only newer posts.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Collect at most this many pages per run (the next run continues).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Account model (default: the registry's or the shipped one).")
@click.option("--env-file", type=click.Path(dir_okay=False), help="A .env file holding X_BEARER_TOKEN (default: ./.env).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes for coordination.")
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True, help="Accounts, posts and clusters listed in the HTML report.")
@lookalike_option
@input_options
@handle_errors
def run_command(
    watch_name: str, config_path: str | None, from_posts: tuple[str, ...], from_accounts: str | None, out_dir: str | None,
    db: str | None, data_dir: str | None, run_log: str | None, lookback: Any, collect_since: str | None,
    max_pages: int | None, model_path: str | None, env_file: str | None, workers: int, top: int, as_of: Any = None, lookalike: bool = True,
    date_order: str | None = None, date_format: str | None = None, columns_spec: str | None = None, tz: str | None = None,
) -> None:
    """Collect, score, store and report one watch: the job to put in cron.

    A second run of the same watch while one is under way exits at once with code 75. A run
    killed in the middle is resumed by the next one, which completes it without losing or
    duplicating anything. Progress bars appear only on a terminal; the log goes to --log-file.

    Exit codes: 0 done; 75 another run of this watch holds the lock (try later); 2 bad input or
    configuration; 3 every record of --from was rejected; 4 model problem; 5 store problem;
    6 collection failed in a way retrying will not fix; 1 any other detector error.

    Example:

    \b
        */30 * * * * cd /srv/detector && .venv/bin/detector run --watch paris-march >/dev/null 2>&1
        detector run --watch texit-rally --config datasets/examples/watches.toml \\
            --from datasets/examples/posts/ira_texit_calls.csv --db out/detector.sqlite -o out/reports
        detector run --watch mitrovica --tz Europe/Belgrade --from exports/telegram/ \\
            --from exports/tiktok.json --from exports/x.csv --from exports/facebook.csv
    """
    from pathlib import Path

    from detector.ops import runner
    from detector.ops.store import default_data_dir

    base = Path(data_dir) if data_dir else default_data_dir()
    dates, columns = _input_rules(date_order, date_format, columns_spec, tz)
    handler = runner.log_file_handler(run_log or base / runner.LOG_FILE)
    handler.setLevel(logging.INFO)
    handler.addFilter(SafeRecords())
    root = logging.getLogger()
    terminal = list(root.handlers)
    said_by_error = runner.RaisedToo()  # a failure or the lock: the log file gets its record, stderr its "error:" line only
    for h in terminal:  # the terminal keeps the level of -v/-q; the file gets INFO
        if h.level == logging.NOTSET:
            h.setLevel(root.level)
        h.addFilter(said_by_error)
    root.addHandler(handler)
    # Restored after the run: a process that runs more commands (tests, a notebook) keeps its own levels.
    level_before = log.level
    log.setLevel(min(root.level, logging.INFO))
    try:
        result = runner.run(
            watch_name, config=config_path, db=db, data_dir=base, out_dir=out_dir, from_posts=list(from_posts) or None,
            from_accounts=from_accounts, env_file=env_file, collect_since=collect_since, max_pages=max_pages,
            lookback=lookback, model=model_path, workers=workers, top=top,
            dates=dates, columns=columns, as_of=as_of, lookalike=lookalike,
        )
    finally:
        root.removeHandler(handler)
        handler.close()
        for h in terminal:
            h.removeFilter(said_by_error)
        log.setLevel(level_before)
    click.echo(result.summary())
    if not lookalike:
        from detector.accounts.lookalike import OFF_NOTICE

        click.echo(f"note: {OFF_NOTICE}", err=True)
    if result.report is not None:
        click.echo(str(result.report.html))


def main() -> None:
    cli(prog_name="detector")


if __name__ == "__main__":
    main()
