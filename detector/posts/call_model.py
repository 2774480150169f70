"""The call-to-action classifier: which posts urge readers to join a protest, march, rally or blockade.

This module owns the trained message model of calls to action and the batch API the posts job
uses, :func:`score_calls`. The model is small on purpose, because it must score a million posts in
seconds and load in a fraction of a second:

1. **Gate.** A broad, fast RE2 pattern (:data:`GATE`) over the normalised text keeps the posts that
   name an action or an invitation in any of the four languages (protest, skup, tubim, blokad,
   join, dođite, ejani, shihemi, …). A post outside the gate gets the calibrated base rate of calls
   outside the gate in the training data as its score, and is never a call. The gate's recall on
   the labelled calls is measured in EVALUATION.md.
2. **Features** (:class:`CallFeatures`, an sklearn transformer; :class:`CallFeaturiser`, the same
   without scikit-learn, scores): character 2–5-grams within word
   boundaries and word 1–2-grams of the first 600 characters of the normalised text (Serbian
   Cyrillic and Latin share one form, diacritics folded), hashed into a fixed space so the
   vocabulary needs no storage, weighted by ``sqrt(tf) * idf`` with the idf learnt from unlabelled
   posts; then 0/1 cues: the parts of the hand-written lexicon of :mod:`detector.posts.calls`
   (event, invitation, announcement, time, place, and their "call to action" rule), grammar cues
   of an invitation or of a report (:data:`GRAMMAR`), the time and place patterns of
   :mod:`detector.posts.extract`, and (``cues=True``) topic cues (:data:`TOPICS`: a political
   subject, or a concert, festival, party, match, broadcast, vote, aid drive, holiday) crossed with
   the shape of an invitation (:func:`cue_matrix`). The crossings say in every language at once
   what the n-grams can only learn language by language: an invitation with a time and a place is
   a call when its subject is political, and an evening out when it is a concert. With
   ``transfer=True``, the language-independent cues of :mod:`detector.posts.call_cues` (an
   invitation verb, an event noun, "everyone", a near time, a collective addressee, "you", and
   their crossings with time and place) are appended: one column per idea in all three languages,
   so that what the English and Serbian calls teach applies to an Albanian call. With
   ``units=True`` (session 7), two of those crossings alone (:data:`~detector.posts.call_cues.UNIT_COLUMNS`:
   an invitation or "everyone" with a time and a place; with an action and a time), weighted like the
   shape crossings, so that an invitation with a time and a place is one unit in any language. With
   ``exclusions=True`` (session 10), the kinds the labelling definition says are not calls
   (:data:`~detector.posts.call_cues.EXCLUSION_COLUMNS`: a concert, fair, match, parade or clean-up;
   figures and markets, the month March with them; a TV broadcast; a third person's call relayed; an
   invitation's shape with any of them), appended last; the unit columns, if any, are then zero where
   the post names a non-political event, a broadcast or March with figures. With
   ``ngrams=False`` the model reads only these 0/1 columns. With ``per_language=True`` (session 12),
   every 0/1 column but the exclusions is copied once more into a block of the post's language
   (Albanian, Serbian in both scripts, English: :data:`LANGUAGE_BLOCKS`), each block with a constant
   column of its own: a cue's weight in a language is its shared weight plus that language's
   deviation, which the L2 penalty keeps small unless the language's labels ask for it (feature
   augmentation, Daumé III 2007). The languages write calls differently (an event word in most
   English and Serbian calls, a clock time in most Albanian ones), and one shared weight per cue is
   a compromise none of them asked for. A post of another or unknown language reads the shared
   columns only. With ``clusters=True`` (session 13), a bag of word clusters learnt from unlabelled
   posts (:mod:`detector.posts.word_clusters`) is appended after every other column: words used alike
   share a cluster, so a weight learnt for one word of a call applies to its synonyms and inflections.
3. **Linear model**: L2 logistic regression on those features, its decision value mapped to a
   probability by Platt scaling fitted on out-of-fold decision values (grouped by source and
   author), and a threshold on that probability chosen on the same out-of-fold values. Since
   session 11 the weights of the exclusion columns are bounded above by 0 in the fit
   (:func:`fit_linear`'s ``nonpositive``, :func:`constrain_nonpositive`): they name what the
   labelling definition says is not a call, so they may only lower a score. Session 15 adds the symmetric bound as an
   option of the fit (``nonnegative``, :func:`constrain_signs`, :func:`part_columns`): the columns that name a part of a call
   (:data:`~detector.posts.call_cues.PART_COLUMNS`: an invitation, the second person plural or everyone, an action word, a
   time, a place) bounded below by 0, so that they may only raise a score.

The fitted model is two files: ``call-model.npz`` (the weight vector, intercept and idf, loaded
with ``allow_pickle=False``) and ``call-model.card.json`` (feature settings, calibration, threshold,
gate base rate, training data provenance and measured figures). No pickle anywhere.

It never reads post files and never labels data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from detector.errors import ModelError
from detector.posts import call_cues, word_clusters
from detector.posts import extract as extract_mod
from detector.posts import ngrams as ngrams_mod
from detector.posts.call_cues import EXCLUSION_COLUMNS, PART_COLUMNS, TRANSFER_COLUMNS, UNIT_COLUMNS
from detector.posts.matching import Texts
from detector.posts.text import normalize_series
from detector.probability import probability_text

log = logging.getLogger(__name__)

MODEL_NAME = "call-model"
FORMAT_VERSION = 2

# A post that names none of these stems is not read by the model (RE2 syntax, on normalised text).
GATE = (
    r"(?i)(?:protest|rally|rallies|march|marsh|\bmars\b|\bmarsa\b|\bmarsu\b|demonstr|vigil|strike|strajk|grev|blokad|blockad|bllok"
    r"|\bskup|okup|tubim|setnj|boycott|bojkot|miting|gather|mblidh|\bjoin|\bcome\b|pridruz|\bdod?j?i(?:te)?\b|dolaz|izad?j?(?:ite|imo)"
    r"|poziv|pozvan|ejani|\beja\b|dilni|\bdalim|bashko|shihemi|vidimo se|te gjithe ne|te gjithe n |svi na|sit-?in|walk-?out|picket"
    r"|rsvp|be there|to the streets?|\bmeet\b|see you|interested|participat|\bpanel|\bteach-?in|kolon[aeu]|cutanj|tisin|perkujt"
    r"|\bdemo\b|mobiliz|\bulic|\brrug|\bshesh|\btrg|ispred|\bpara\b|in front of|let'?s go|hajde|ajmo|krenimo|\bsot\b|\bneser|\bsutra|\bdanas"
    r"|mos mung|manifest|\btakim|takohemi|presim|ngrih|pravac|uputi"
    # invitation verbs of :mod:`detector.posts.call_cues` that none of the stems above catches
    # (Albanian and Serbian: the English ones were all inside already, 144 of 144 labelled calls)
    r"|\ble te\b|\ble t'|shifemi|shkojme|nisemi|zgjohu|ftoj|fton|ftes|\bvini\b|\bbudite|\bbudimo|\bidemo\b|ponesite|povedite|ustani|stanimo"
    r"|setajmo|protestuj|blokira(?:jmo|mo|jte)|ocekujemo vas|cekamo vas|\bzbor|plenum|povork|bdenj|homazh|ngujim"
    # Session 11, Kosovo: Gheg forms (the infinitive "me u bashkue", "hajt", "nesre", "ju pritim"), the barricades, the
    # gathering places of North Kosovo (the Ibar bridge, Gazimestan, Jarinje) and its municipalities
    r"|bashku(?:e|ar|em)\b|\bhajt\b|barr?ikad|\bnesre|\bpritim|\bibr(?:it|u)\b|gazimestan|jarinj|zvecan|leposav|gracanic)"
)
LEXICON_COLUMNS = ["cta_event", "cta_invite", "cta_announce", "cta_time", "cta_place", "call_to_action"]
# The languages that get their own decision rule (threshold, lexicon fallback) when the model has
# one for them: a post's language code -> its group. Other codes use the pooled threshold.
RULE_GROUPS = {"sq": "Albanian", "sr": "Serbian", "sr-Cyrl": "Serbian", "sr-Latn": "Serbian", "bs": "Serbian", "hr": "Serbian",
               "en": "English"}  # fmt: skip
# The language blocks of a model with per-language cue weights (``per_language=True``, session 12), in column order;
# a post's block is its language group (:data:`RULE_GROUPS`).
LANGUAGE_BLOCKS = ("Albanian", "Serbian", "English")
PATTERN_COLUMNS = ["has_when", "has_clock", "has_where", "has_town"]

# Subjects of a post, in normalised text (RE2 syntax, tested with Arrow on all texts at once). The
# first six are the non-political invitations and the online-only actions that the labelling
# definition excludes; "political" is what makes an invitation a call. Word lists in Albanian,
# Serbian/Bosnian/Croatian (folded: Cyrillic in Latin, no diacritics, "dj" for "đ") and English.
TOPICS = {
    "leisure": r"\b(?:concerts?|koncert\w*|festival\w*|fest\b|feste|festes|festen|festa|festojme|party|parties|zurk\w*|tulum\w*|new year|nova godin\w*|novu godinu|doce?k\w*|viti i ri|vitin e ri|ndeshj\w*|utakmic\w*|match|game day|kickoff|tournament|turnir\w*|panair\w*|sajam\w*|sajm\w*|fair\b|expo\w*|exhibition|ekspozit\w*|izlozb\w*|shfaqj\w*|predstav\w*|premier\w*|film\w*|kino|cinema|teatr\w*|teater\w*|pozorist\w*|dj\b|live music|album|kenge|pjesm\w*|muzik\w*|music)\b",
    "media": r"\b(?:emision\w*|emisij\w*|intervist\w*|interview|studio|tv\b|rtsh|rts\b|n1\b|live\b|drejtperdrejt|uzivo|webinar|uebinar|podcast|ndiqni|pratite|watch|tune in|stream\w*|facebook|youtube|link)\b",
    "vote": r"\b(?:vot\w+|glas(?:aj|ajte|ajmo|anje|ati|ovi|ova|ove)\b|izbor\w*|zgjedhj\w*|election\w*|ballot\w*|poll\w*|referendum\w*|petic\w*|petition\w*|peticion\w*|sign\b|potpi\w*|nenshkr\w*|share|spodeli\w*|ndani|retweet|rt\b)",
    "aid": r"\b(?:donat\w*|donir\w*|dhur\w*|ndihm\w*|pomoc\w*|humanitar\w*|volunt\w*|vullnetar\w*|volont\w*|blood|krv\b|gjak\w*|clean-?up|pastro\w*|cisc\w*|akcija ciscenja|fundrais\w*)\b",
    "holiday": r"\b(?:gezuar|urime|cestit\w*|srecn\w*|sretan\w*|happy|merry|christmas|bozic\w*|krishtlindj\w*|bajram\w*|pashk\w*|uskrs\w*|vaskrs\w*|birthday|rodjendan\w*|ditelindj\w*|anniversary|vjetor\w*|godisnjic\w*)\b",
    "online": r"\b(?:online|on-line|onlajn|zoom|twitter|tweet\w*|hashtag|#)\b",
    "political": (
        r"\b(?:protest\w*|demonstr\w*|manifestim\w*|marsh\w*|tubim\w*|blokad\w*|bllok\w*|strajk\w*|grev\w*|bojkot\w*|boycott\w*|miting\w*|rally|rallies|march\w*|vigil\w*|okuplj\w*|skup\b|skupu\b"
        r"|qeveri\w*|kryeminist\w*|ministr\w*|parlament\w*|kuvend\w*|bashki\w*|komun\w*|president\w*|predsedn\w*|predsjedn\w*|vlad[aeiu]\b|vlasti?\b|skupstin\w*|opstin\w*|government|congress|senat\w*|mayor|city hall|white house|capitol"
        r"|diktatur\w*|dictator\w*|liri\w*|lirise|demokraci\w*|demokratij\w*|democra\w*|drejtesi\w*|pravd\w*|justice|injustice|sloboda?\w*|freedom|liberty|rights|te drejta\w*|prava\b|korrupsion\w*|korupcij\w*|corrupt\w*|krim\w*|kriminal\w*|hajdut\w*|lopov\w*|mafi\w*|sovran\w*|kushtetut\w*|ustav\w*|constitution\w*"
        r"|zgjedhj\w*|izbor\w*|election\w*|fushat\w*|kampanj\w*|campaign\w*|kandidat\w*|candidat\w*|opozit\w*|opozicij\w*|oppos\w*|partia|partij\w*|party leader|\bpd\b|\bps\b|\blsi\b|\bvv\b|vetevendosje|sfida|sns\b|\bds\b|studen\w*|policij\w*|polici\w*|police|dhun\w*|nasilj\w*|violence"
        r"|kunder|protiv|against|solidar\w*|mbeshtetje|podrsk\w*|support|vendosmeri\w*|dinjitet\w*|dostojanstv\w*|dignity|referendum\w*|plenum\w*|zbor\w*|racism|racist|black lives|blm|police brutality|trump|obama|hillary|clinton|nato|kosov\w*|serbi\w*|srbij\w*"
        # session 11, Kosovo: its parties, the international missions, the association of Serb municipalities
        r"|ldk|pdk|aak|nisma|lista serbe|srpska lista|kfor|eulex|unmik|asociacion\w*|zajednic\w* srpskih opstina)\b"
    ),
}  # fmt: skip
# Crossings of the lexicon, grammar and pattern cues with the topics (:func:`cue_matrix`).
COMBO_COLUMNS = [
    "event_time", "event_place", "event_invite", "event_time_place", "event_soon", "event_invite_time_or_place",
    "event_past", "event_news", "invite_time_place_no_event", "leisure_time_or_place_no_event", "event_not_leisure_invite_or_time_place",
]  # fmt: skip
SHAPE_COLUMNS = ["political", "shape_political", "shape_leisure", "shape_neither", "shape_political_not_leisure", "shape_leisure_not_political", "event_shape_political"]
CUE_COLUMNS = [t for t in TOPICS if t != "political"] + COMBO_COLUMNS + SHAPE_COLUMNS


def default_model_path() -> Path:
    """Where the shipped model lives: ``detector/data/call-model.npz``."""
    return Path(__file__).resolve().parents[1] / "data" / f"{MODEL_NAME}.npz"


def gate(norm: pd.Series) -> np.ndarray:
    """True for the normalised texts that the model reads (:data:`GATE`)."""
    if len(norm) == 0:
        return np.zeros(0, dtype=bool)
    arr = pa.array(norm.fillna("").astype(str).to_numpy(dtype=object), type=pa.large_string())
    return pc.match_substring_regex(arr, GATE).to_numpy(zero_copy_only=False).astype(bool)


class CallFeaturiser:
    """Message features of a call to action: weighted hashed n-grams, lexicon parts, grammar, time and place.

    Scoring uses this class as it is; training uses :class:`CallFeatures`, the same class as a
    scikit-learn transformer, built when first named (so that scoring never imports scikit-learn).

    ``fit`` learns one thing, the inverse document frequency of every hashed n-gram, from the
    texts it is given (meant to be a large unlabelled sample of posts; labels are not used). The
    n-gram part of a row is then ``l2(sqrt(tf) * idf)``; the lexicon, grammar and pattern columns
    (0/1) are appended, multiplied by ``extra_weight``.

    Parameters
    ----------
    n_features : int
        Size of the hashed space (shared by character and word n-grams).
    char_ngram : tuple of int
        Character n-gram range, within word boundaries.
    word_ngram : tuple of int
        Word n-gram range; ``(0, 0)`` leaves words out.
    lexicon : bool
        Append the lexicon's parts (:data:`LEXICON_COLUMNS`).
    grammar : bool
        Append the grammar cues (:data:`GRAMMAR`).
    patterns : bool
        Append the time and place patterns (:data:`PATTERN_COLUMNS`).
    cues : bool
        Append the topic cues and their crossings with the invitation, time and place cues
        (:data:`CUE_COLUMNS`, :func:`cue_matrix`); needs ``lexicon``, ``grammar`` and ``patterns``.
    extra_weight : float
        Value of a present lexicon, grammar or pattern cue (the n-gram part has unit length), and
        of the topic cues and the lexicon crossings.
    cue_weight : float
        Value of a present crossing of an invitation's shape with the topic (:data:`SHAPE_COLUMNS`).
    ngrams : bool
        Include the hashed n-grams; False leaves only the 0/1 cue columns (a model that reads the
        same columns in every language).
    transfer : bool
        Append the language-independent cues of :mod:`detector.posts.call_cues`
        (:data:`~detector.posts.call_cues.TRANSFER_COLUMNS`); needs ``cues``.
    transfer_weight : float
        Value of a present language-independent cue.
    units : bool
        Append the two unit columns of :mod:`detector.posts.call_cues`
        (:data:`~detector.posts.call_cues.UNIT_COLUMNS`), each worth ``cue_weight`` when present;
        needs ``cues``.
    exclusions : bool
        Append the exclusion columns of :mod:`detector.posts.call_cues`
        (:data:`~detector.posts.call_cues.EXCLUSION_COLUMNS`, session 10), each worth ``extra_weight``
        (the shape crossing ``cue_weight``), after every other column; with ``units``, the unit
        columns are zero where the post names a non-political event, a broadcast or March with
        figures. Needs ``cues``.
    per_language : bool
        Copy every 0/1 column but the exclusions into a block of the post's language group
        (:data:`LANGUAGE_BLOCKS`), after all other columns, each block with a constant column
        (session 12): the language given to :meth:`transform` fills its block, the other blocks are 0;
        a post without a known language reads the shared columns only. Needs ``cues``.
    clusters : bool
        Append a bag of word clusters (session 13: :meth:`detector.posts.word_clusters.WordClusters.matrix`,
        unit length, two granularities), after every other column. The table is ``clusters_`` when set, else the
        shipped one (:func:`detector.posts.word_clusters.load`).
    max_chars : int
        Only the first ``max_chars`` characters of each normalised text are read.
    normalised : bool
        True when the texts given are already :func:`detector.posts.text.normalize` output.

    Attributes
    ----------
    idf_ : ndarray of shape (n_features,)
        Inverse document frequency of each hashed n-gram, ``log((n + 1) / (df + 1)) + 1``.
    n_features_out_ : int
    """

    def __init__(
        self,
        n_features: int = 2**17,
        char_ngram: tuple[int, int] = (2, 5),
        word_ngram: tuple[int, int] = (1, 2),
        lexicon: bool = True,
        grammar: bool = True,
        patterns: bool = True,
        cues: bool = False,
        extra_weight: float = 0.5,
        cue_weight: float = 2.0,
        max_chars: int = 600,
        normalised: bool = False,
        ngrams: bool = True,
        transfer: bool = False,
        transfer_weight: float = 1.0,
        units: bool = False,
        exclusions: bool = False,
        per_language: bool = False,
        clusters: bool = False,
    ) -> None:
        self.n_features = n_features
        self.char_ngram = char_ngram
        self.word_ngram = word_ngram
        self.lexicon = lexicon
        self.grammar = grammar
        self.patterns = patterns
        self.cues = cues
        self.extra_weight = extra_weight
        self.cue_weight = cue_weight
        self.max_chars = max_chars
        self.normalised = normalised
        self.ngrams = ngrams
        self.transfer = transfer
        self.transfer_weight = transfer_weight
        self.units = units
        self.exclusions = exclusions
        self.per_language = per_language
        self.clusters = clusters

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the n-grams' inverse document frequencies from the texts ``X`` (``y`` is ignored)."""
        if self.n_features < 16:
            raise ValueError("n_features must be at least 16")
        if self.cues and not (self.lexicon and self.grammar and self.patterns):
            raise ValueError("cues=True needs lexicon, grammar and patterns")
        if self.transfer and not self.cues:
            raise ValueError("transfer=True needs cues")
        if self.units and not self.cues:
            raise ValueError("units=True needs cues")
        if self.exclusions and not self.cues:
            raise ValueError("exclusions=True needs cues")
        if self.per_language and not self.cues:
            raise ValueError("per_language=True needs cues")
        if not self.ngrams and not (self.lexicon or self.grammar or self.patterns):
            raise ValueError("ngrams=False needs some cue columns")
        if self.clusters:
            self._cluster_table()
        counts = self._ngrams(self._norm(X))[0]
        df = np.bincount(counts.indices, minlength=self.n_features)
        self.idf_ = (np.log((counts.shape[0] + 1) / (df + 1)) + 1).astype(np.float32)
        self.n_features_out_ = self._n_out()
        return self

    def _n_shared_cues(self) -> int:
        """How many 0/1 columns a language block copies: every cue column but the exclusions."""
        return (
            (len(LEXICON_COLUMNS) if self.lexicon else 0)
            + (len(GRAMMAR) if self.grammar else 0)
            + (len(PATTERN_COLUMNS) if self.patterns else 0)
            + (len(CUE_COLUMNS) if self.cues else 0)
            + (len(TRANSFER_COLUMNS) if self.transfer else 0)
            + (len(UNIT_COLUMNS) if self.units else 0)
        )

    def _n_language(self) -> int:
        """Columns of the language blocks (each: the copied cue columns and a constant), 0 without ``per_language``."""
        return len(LANGUAGE_BLOCKS) * (self._n_shared_cues() + 1) if self.per_language else 0

    def _cluster_table(self) -> word_clusters.WordClusters:
        """The word -> cluster table of ``clusters=True``: ``clusters_``, set to the shipped one on first use."""
        if getattr(self, "clusters_", None) is None:
            self.clusters_ = word_clusters.load()
        return self.clusters_

    def _n_clusters(self) -> int:
        """Columns of the word-cluster block, 0 without ``clusters``."""
        return self._cluster_table().n_columns if self.clusters else 0

    def _n_out(self) -> int:
        return (
            (self.n_features if self.ngrams else 0)
            + self._n_shared_cues()
            + (len(EXCLUSION_COLUMNS) if self.exclusions else 0)
            + self._n_language()
            + self._n_clusters()
        )

    def _norm(self, X: Any) -> pd.Series:
        texts = pd.Series(np.asarray(X, dtype=object).ravel(), dtype="string").fillna("")
        norm = texts if self.normalised else normalize_series(texts)
        # A call says what it is near its start (a title, a first sentence): long articles are cut,
        # which bounds the cost of one post.
        return norm.str.slice(0, self.max_chars)

    def _ngrams(self, norm: pd.Series, toks: tuple[list[str], np.ndarray] | None = None) -> tuple[sp.csr_matrix, tuple[list[str], np.ndarray] | None]:
        """The hashed n-gram counts, and the word tokens when they were needed (``toks``: given, to be reused)."""
        docs = norm.astype(str).tolist()
        X = _char_wb_grams(docs, (int(self.char_ngram[0]), int(self.char_ngram[1])), self.n_features)
        if self.word_ngram[1] > 0:
            toks = ngrams_mod.tokens(docs) if toks is None else toks
            # sklearn's HashingVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", norm="l2", alternate_sign=False), bit for bit
            words = ngrams_mod.l2_rows(ngrams_mod.word_counts(docs, (int(self.word_ngram[0]), int(self.word_ngram[1])), self.n_features, toks))
            X = (X + words) * np.float32(0.7071)
        return X.tocsr(), toks

    def _not_fitted(self) -> Exception:
        return ValueError(f"This {type(self).__name__} instance is not fitted yet: call fit first")

    def transform(self, X: Any, lang: Any = None) -> sp.csr_matrix:
        """Sparse feature matrix, one row per text.

        ``lang`` (language codes aligned with ``X``: ``sq``, ``sr-Cyrl``, ``en``...) chooses each post's
        language block when ``per_language`` is set; without it, or for a code outside
        :data:`RULE_GROUPS`, the blocks are 0. Ignored otherwise.
        """
        if not hasattr(self, "idf_"):
            raise self._not_fitted()
        norm = self._norm(X)
        blocks = []
        toks = None
        if self.ngrams:
            grams, toks = self._ngrams(norm)
            grams.data = np.sqrt(grams.data)
            blocks.append(ngrams_mod.l2_rows(sp.csr_matrix(grams @ sp.diags(self.idf_), dtype=np.float32)))
        # One searchable copy of the texts for every cue column (RE2 through Arrow).
        texts = Texts(norm)
        extra = []
        if self.lexicon:
            extra.append(lexicon_matrix(norm, texts))
        if self.grammar:
            extra.append(grammar_matrix(norm, texts))
        if self.patterns:
            extra.append(pattern_matrix(norm, texts))
        if extra:
            dense = np.hstack(extra).astype(np.float32)
            if self.cues:
                top = topic_matrix(norm, texts)
                cue = cue_matrix(norm, extra[0], extra[1], extra[2], top=top)
                n_shape = len(SHAPE_COLUMNS)
                dense = np.hstack([dense, cue[:, :-n_shape]])
                weight = np.r_[np.full(dense.shape[1], self.extra_weight), np.full(n_shape, self.cue_weight)].astype(np.float32)
                dense = np.hstack([dense, cue[:, -n_shape:]]) * weight
                lex, gram, pat = extra
                time_ = np.maximum.reduce([lex[:, 3], pat[:, 0], pat[:, 1]])
                place = np.maximum.reduce([lex[:, 4], pat[:, 2], pat[:, 3]])
                if self.transfer:
                    leisure = np.maximum(top[:, 0], top[:, 1])
                    report = np.maximum(gram[:, 0], gram[:, 1])
                    tr = call_cues.transfer_matrix(texts, time_, place, leisure, report)
                    dense = np.hstack([dense, tr * np.float32(self.transfer_weight)])
                ex = None
                if self.exclusions:
                    inv = np.maximum.reduce([lex[:, 1], gram[:, 2], gram[:, 3]])
                    shape = np.maximum(inv * np.maximum(time_, place), time_ * place)
                    ex = call_cues.exclusion_matrix(texts, shape)
                if self.units:
                    units = call_cues.unit_matrix(texts, time_, place)
                    if ex is not None:
                        units = units * ex[:, -1:]
                    dense = np.hstack([dense, units * np.float32(self.cue_weight)])
                shared = dense
                if ex is not None:
                    n_ex = len(EXCLUSION_COLUMNS)
                    weight = np.r_[np.full(n_ex - 1, self.extra_weight), self.cue_weight].astype(np.float32)
                    dense = np.hstack([dense, ex[:, :n_ex] * weight])
                if self.per_language:
                    dense = np.hstack([dense, language_blocks(shared, lang)])
            else:
                dense = dense * np.float32(self.extra_weight)
            blocks.append(sp.csr_matrix(dense.astype(np.float32)))
        if self.clusters:
            # The word tokens of the n-grams, read once (the clusters' words are the word n-grams' tokens).
            blocks.append(self._cluster_table().matrix(norm.astype(str).tolist(), toks))
        return sp.hstack(blocks, format="csr", dtype=np.float32)


def language_blocks(shared: np.ndarray, lang: Any) -> np.ndarray:
    """The language blocks of ``shared`` (the weighted 0/1 cue columns): for each of :data:`LANGUAGE_BLOCKS`, a constant
    column and a copy of ``shared``, filled on the rows of that language group and 0 elsewhere (all 0 without ``lang``)."""
    n, k = shared.shape
    out = np.zeros((n, len(LANGUAGE_BLOCKS) * (k + 1)), dtype=np.float32)
    if lang is None or n == 0:
        return out
    group = rule_groups(lang)
    if len(group) != n:
        raise ValueError(f"lang has {len(group)} values for {n} texts")
    for b, name in enumerate(LANGUAGE_BLOCKS):
        rows = group == name
        start = b * (k + 1)
        out[rows, start] = 1.0
        out[rows, start + 1 : start + 1 + k] = shared[rows]
    return out


def _build_transformer() -> type:
    """:class:`CallFeaturiser` as a scikit-learn transformer (estimator contract, ``clone``, ``NotFittedError``)."""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.exceptions import NotFittedError

    class CallFeatures(TransformerMixin, BaseEstimator, CallFeaturiser):
        __doc__ = CallFeaturiser.__doc__

        def _not_fitted(self) -> Exception:
            return NotFittedError(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.")

    CallFeatures.__module__ = __name__
    CallFeatures.__qualname__ = CallFeatures.__name__
    return CallFeatures


if TYPE_CHECKING:
    CallFeatures = CallFeaturiser


def __getattr__(name: str) -> Any:
    # PEP 562: the sklearn transformer is built on first use, so that scoring never imports scikit-learn.
    if name == "CallFeatures":
        cls = _build_transformer()
        globals()["CallFeatures"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _char_wb_grams(docs: list[str], ngram_range: tuple[int, int], n_features: int) -> sp.csr_matrix:
    """sklearn's ``HashingVectorizer(analyzer="char_wb", norm="l2", dtype=float32).transform(docs)``, bit for bit, hashing each distinct word once.

    ``char_wb`` n-grams never cross white space: a text's counts are the sum of its words' counts
    (each word padded with a space on both sides, as sklearn does). So each distinct word is
    analysed and hashed once, and a sparse (text x word) count matrix adds them up; the sums are
    small integers, exact in float32, and the l2 step is sklearn's (:mod:`detector.posts.ngrams`). Most of the words of a
    batch of posts repeat, which makes this several times faster than analysing every text.
    """
    words = [d.split() for d in docs]
    flat = [w for ws in words for w in ws]
    if not flat:
        return sp.csr_matrix((len(docs), n_features), dtype=np.float32)
    codes, vocab = pd.factorize(pd.Series(flat, dtype=object))
    rows = np.repeat(np.arange(len(docs)), [len(ws) for ws in words])
    counts = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (rows, codes)), shape=(len(docs), len(vocab)))
    per_word = ngrams_mod.char_wb_counts(list(vocab), ngram_range, n_features)
    X = (counts @ per_word).tocsr()
    X.sum_duplicates()
    return ngrams_mod.l2_rows(X)


# Grammar of an invitation or of a report, in normalised text (one column each). They generalise
# the lexicon's word lists: a hortative "let us / hajde / le të / -mo" or an imperative plural
# invites; a past tense or a news marker reports.
GRAMMAR = {
    "past": r"\b(?:\w+(?:li|le|la|lo) (?:su|je|smo)|(?:je|su) \w+(?:li|le|la|lo|an|ana|ani|eni|en)|odrzan\w*|juce|sinoc|u mbajt|u mblodh\w*|\w+uan\b|\w+oi\b|kane \w+uar|kishin|dje\b|mbreme|protested|marched|gathered|rallied|held|yesterday|last night|were|was)\b",
    "news": r"(?:via @user|#politics|#news|#topnews|breaking|\bvideo\b|\bfoto\b|lajm|vesti|: |\|)",
    "hortative": r"\b(?:let'?s|let us|hajde(?:mo)?|ajmo|idemo|krenimo|izadjimo|okupimo|le te|te dalim|te mblidhemi|te bashkohemi|bashkohemi|mblidhemi|protestojme|marshojme|shihemi|takohemi|te ngrihemi|ngrihemi|te jemi|vidimo se|we will|we'?ll|we are going|do te \w+me|\w+cemo"
    # session 11, Gheg: "t'" for "të", the infinitive "me u bashkue"
    r"|t'u dalim|t'dalim|t'bashkohemi|t'mblidhemi|t'shkojme|me u bashku(?:e|ar|em))\b",
    "imperative": r"\b(?:join|come|bring|meet|show up|stand|march|rally|be there|please|dodj?ite|izadj?ite|pridruzite|okupite|budite|krenite|dolazite|podrzite|ejani|eja|dilni|bashkohuni|bashkojuni|bashkohu|mblidhuni|ngrihuni|hajdeni|merrni|mos mungoni|mos mungo|na u bashko\w*|ju presim|ju mirepresim|jeni|vini|ju ftojme|pozivamo|pozivaju|poziva|invite[sd]?|ftojme|fton"
                  r"|hajt|ju pritim)\b",  # session 11, Gheg
    "addressee": r"\b(?:you|your|y'all|vi|vas|vam|ju|juve|te gjithe|svi|svima|gradjani|qytetare|everyone|all)\b",
    # Session 9: every weekday as a time adverbial (the day words of :mod:`detector.posts.call_cues`, from the
    # grammars: Albanian "të hënën", Serbian "u ponedeljak" / "ove subote", English "on Monday"), not three of them.
    "soon": (
        r"\b(?:sutra|neser|nesre|tomorrow|tonight|veceras|sonte|next week"
        rf"|(?:this|next|on|this coming) {call_cues.EN_DAYS}|(?:u|ove|ovog|ovu|ovaj|sledece|sledeci|iduce|iduci|narednog|naredne) {call_cues.SR_DAYS}"
        rf"|(?:te|kete|ket|ete) {call_cues.SQ_DAYS}|t'{call_cues.SQ_DAYS})\b"
    ),
    "question": r"\?",
    "chatter": r"\b(?:i think|mislim|mendoj|lol|haha\w*|:\)|:d|xd)\b",
}
_GRAMMAR_RX = [extract_mod.regex.compile(rx) for rx in GRAMMAR.values()]


def grammar_matrix(norm: pd.Series, texts: Texts | None = None) -> np.ndarray:
    """The :data:`GRAMMAR` cues, each tested on every normalised text (``texts``: the same texts, ready to search)."""
    return _search_columns(norm, _GRAMMAR_RX, texts)


def _search_columns(norm: pd.Series, patterns: list[Any], texts: Texts | None = None) -> np.ndarray:
    """0/1 matrix: does ``patterns[j]`` (Python ``regex``) find anything in text ``i``; RE2 where it decides alike (:mod:`detector.posts.matching`)."""
    texts = Texts(norm) if texts is None else texts
    out = np.zeros((len(texts), len(patterns)), dtype=np.float32)
    for j, rx in enumerate(patterns):
        out[:, j] = texts.search(rx)
    return out


def lexicon_matrix(norm: pd.Series, texts: Texts | None = None) -> np.ndarray:
    """The lexicon's parts of :mod:`detector.posts.calls`, each tested on every text."""
    from detector.posts import calls

    parts = [calls.EVENT, calls.INVITE, calls.ANNOUNCE, calls.TIME, calls.PLACE]
    out = np.zeros((len(norm), len(LEXICON_COLUMNS)), dtype=np.float32)
    out[:, :5] = _search_columns(norm, parts, texts)
    out[:, 5] = out[:, 0] * np.maximum(np.maximum(out[:, 1], out[:, 2]), out[:, 3] * out[:, 4])
    return out


def pattern_matrix(norm: pd.Series, texts: Texts | None = None) -> np.ndarray:
    """Time and place patterns of :mod:`detector.posts.extract`: a time, a clock time, a place, a town."""
    return _search_columns(norm, [extract_mod.WHEN_RX, _CLOCK_RX, extract_mod.PLACE_RX, extract_mod.TOWN_RX], texts)


_CLOCK_RX = extract_mod.regex.compile(r"\d{1,2}[:.]\d{2}|\d{1,2} ?(?:h|am|pm|casova|sati)\b|(?:ora|oren|u|at) \d{1,2}\b")


def topic_matrix(norm: pd.Series, texts: Texts | None = None) -> np.ndarray:
    """The :data:`TOPICS` cues (0/1), one column each, tested with RE2 on all texts at once."""
    arr = texts.arr if texts is not None else pa.array(norm.fillna("").astype(str).to_numpy(dtype=object), type=pa.large_string())
    out = np.zeros((len(norm), len(TOPICS)), dtype=np.float32)
    for j, rx in enumerate(TOPICS.values()):
        out[:, j] = pc.match_substring_regex(arr, rx).to_numpy(zero_copy_only=False)
    return out


def cue_matrix(norm: pd.Series, lex: np.ndarray, gram: np.ndarray, pat: np.ndarray, top: np.ndarray | None = None) -> np.ndarray:
    """Topic cues and their crossings (:data:`CUE_COLUMNS`), from the lexicon, grammar and pattern columns of ``norm``.

    An invitation's *shape* is an invitation word (lexicon, hortative or imperative) with a time
    or a place, or a time with a place; it is crossed with a political subject, with a leisure
    subject (concert, festival, party, match, broadcast), and with neither.
    """
    top = topic_matrix(norm) if top is None else top
    leisure_any = np.maximum(top[:, 0], top[:, 1])
    pol = top[:, 6]
    ev, ann = lex[:, 0], lex[:, 2]
    inv = np.maximum.reduce([lex[:, 1], gram[:, 2], gram[:, 3]])
    tm = np.maximum.reduce([lex[:, 3], pat[:, 0], pat[:, 1]])
    pl = np.maximum.reduce([lex[:, 4], pat[:, 2], pat[:, 3]])
    soon, past, news = gram[:, 5], gram[:, 0], gram[:, 1]
    combos = [
        ev * tm, ev * pl, ev * inv, ev * tm * pl, ev * soon, ev * np.maximum(inv, ann) * np.maximum(tm, pl), ev * past, ev * news,
        (1 - ev) * inv * tm * pl, (1 - ev) * leisure_any * np.maximum(tm, pl), ev * (1 - leisure_any) * np.maximum(inv, np.maximum(tm, pl)),
    ]  # fmt: skip
    shape = np.maximum(inv * np.maximum(tm, pl), tm * pl)
    shapes = [pol, shape * pol, shape * leisure_any, shape * (1 - pol) * (1 - leisure_any), shape * pol * (1 - leisure_any),
              shape * leisure_any * (1 - pol), ev * shape * pol]  # fmt: skip
    return np.hstack([top[:, :6], np.stack(combos + shapes, axis=1)]).astype(np.float32)


def lexicon_column(features: CallFeaturiser) -> int | None:
    """Index of the lexicon's ``call_to_action`` column in ``features``' output (None without the lexicon)."""
    if not features.lexicon:
        return None
    return (features.n_features if features.ngrams else 0) + LEXICON_COLUMNS.index("call_to_action")


def lexicon_verdict(features: CallFeaturiser, X: sp.csr_matrix) -> np.ndarray:
    """The lexicon's verdict on each row of ``X`` (:meth:`CallFeaturiser.transform` output), read from its column."""
    j = lexicon_column(features)
    if j is None:
        return np.zeros(X.shape[0], dtype=bool)
    return np.asarray(X[:, j].toarray()).ravel() > 0


def rule_groups(lang: pd.Series | np.ndarray) -> np.ndarray:
    """The language group of each language code (:data:`RULE_GROUPS`; ``""`` for the others)."""
    s = pd.Series(np.asarray(lang, dtype=object)).astype("string")
    return s.map(RULE_GROUPS).fillna("").to_numpy(dtype=object)


@dataclass(frozen=True)
class Rule:
    """How one language's posts are decided: a call when the probability reaches ``threshold``, or
    (``or_lexicon``) when the lexicon's rule (:mod:`detector.posts.calls`) says so."""

    threshold: float
    or_lexicon: bool = False


@dataclass
class CallModel:
    """A fitted call classifier: features, linear weights, Platt calibration, threshold, gate base rate.

    ``threshold`` is the pooled one; ``rules`` (language group of :data:`RULE_GROUPS` -> :class:`Rule`)
    replace it for the languages the training folds chose a rule of their own for.
    """

    features: CallFeaturiser
    coef: np.ndarray
    intercept: float
    platt: tuple[float, float]
    threshold: float
    base_rate: float
    card: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    def decision(self, norm: pd.Series, lang: Any = None) -> np.ndarray:
        """Linear decision values of normalised texts (``lang``: their language codes, read by a per-language model)."""
        return self.decision_and_lexicon(norm, lang)[0]

    def decision_and_lexicon(self, norm: pd.Series, lang: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Linear decision values of normalised texts, and the lexicon's verdict on each (from the same features)."""
        X = self.features.transform(norm, lang)
        d = np.asarray(X @ self.coef, dtype=np.float64).ravel() + self.intercept
        return d, lexicon_verdict(self.features, X)

    def is_call(self, score: np.ndarray, lexicon: np.ndarray, group: np.ndarray | None) -> np.ndarray:
        """The verdict: each post's language rule (``group``, as :data:`RULE_GROUPS` names them), else the pooled threshold.

        ``lexicon`` is the lexicon's verdict (False outside the gate).
        """
        out = score >= self.threshold
        if not self.rules or group is None:
            return out
        for name, rule in self.rules.items():
            m = group == name
            out[m] = (score[m] >= rule.threshold) | (rule.or_lexicon & lexicon[m])
        return out

    def undecided(self, score: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
        """Posts whose verdict depends on their language (the rest need no language to be decided)."""
        if not self.rules:
            return np.zeros(len(score), dtype=bool)
        lo = min([self.threshold] + [r.threshold for r in self.rules.values()])
        hi = max([self.threshold] + [r.threshold for r in self.rules.values()])
        fallback = any(r.or_lexicon for r in self.rules.values())
        return ((score >= lo) & (score < hi)) | (fallback & lexicon & (score < hi))

    def probability(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from decision values (Platt scaling)."""
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * decision + b)))

    def predict_proba_normalised(self, norm: pd.Series, lang: Any = None) -> np.ndarray:
        """Calibrated probability of being a call for each normalised text (gate included; ``lang`` as :meth:`decision`)."""
        p = np.full(len(norm), self.base_rate, dtype=np.float64)
        keep = gate(norm)
        if keep.any():
            sub_lang = None if lang is None else np.asarray(lang, dtype=object)[keep]
            p[keep] = self.probability(self.decision(norm[keep], sub_lang))
        return p


def fit_linear(
    X: sp.csr_matrix,
    y: np.ndarray,
    C: float,
    random_state: int = 0,
    groups: np.ndarray | None = None,
    nonpositive: np.ndarray | None = None,
    nonnegative: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2 logistic regression with balanced class weights; returns ``(coef, intercept)``.

    With ``groups`` (say, the language of each post), the classes are balanced within each group
    and every group weighs the same in total, so that a group's share of calls in the labelled
    sample (an artefact of how the posts were drawn) is not learnt as evidence.

    With ``nonpositive`` (column indices; session 11), those columns' weights are constrained to be
    at most 0: they are cues of what the labelling definition says is *not* a call
    (:func:`exclusion_columns`), so they may only lower a score. With ``nonnegative`` (session 15),
    those columns' weights are constrained to be at least 0: they name a part of a call as the
    definition states it (:func:`part_columns`), so they may only raise a score. When liblinear's fit
    already respects every bound it is the result; otherwise :func:`constrain_signs` finds the
    minimum of the same objective under the bounds.
    """
    from sklearn.linear_model import LogisticRegression

    if groups is None:
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=random_state)
        clf.fit(X, y)
        sw = _class_balanced(y)
    else:
        sw = balanced_weights(y, groups)
        clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=random_state)
        clf.fit(X, y, sample_weight=sw)
    coef, icpt = clf.coef_.ravel().astype(np.float64), float(clf.intercept_[0])
    up = np.zeros(0, dtype=np.int64) if nonpositive is None else np.asarray(nonpositive, dtype=np.int64)
    down = np.zeros(0, dtype=np.int64) if nonnegative is None else np.asarray(nonnegative, dtype=np.int64)
    if (len(up) and (coef[up] > 0).any()) or (len(down) and (coef[down] < 0).any()):
        coef, icpt = constrain_signs(X, y, C, sw, coef, icpt, up, down)
    return coef.astype(np.float32), float(icpt)


# A held weight is freed when the scaled objective's slope below 0 exceeds this many times the solver's tolerance.
RELEASE_GRADIENT = 10.0


def constrain_nonpositive(
    X: sp.csr_matrix, y: np.ndarray, C: float, sample_weight: np.ndarray, coef: np.ndarray, intercept: float, nonpositive: np.ndarray, max_iter: int = 3000
) -> tuple[np.ndarray, float]:
    """:func:`constrain_signs` with upper bounds only (session 11): the weights of ``nonpositive`` columns at most 0."""
    return constrain_signs(X, y, C, sample_weight, coef, intercept, nonpositive, np.zeros(0, dtype=np.int64), max_iter)


def constrain_signs(
    X: sp.csr_matrix,
    y: np.ndarray,
    C: float,
    sample_weight: np.ndarray,
    coef: np.ndarray,
    intercept: float,
    nonpositive: np.ndarray,
    nonnegative: np.ndarray,
    max_iter: int = 3000,
) -> tuple[np.ndarray, float]:
    """The minimum of liblinear's L2 logistic objective with the weights of ``nonpositive`` columns bounded above by 0
    and those of ``nonnegative`` columns bounded below by 0.

    The objective is the one :func:`fit_linear`'s liblinear fit minimises: ``(|w|^2 + b^2) / 2 + C sum_i
    s_i log(1 + exp(-t_i (x_i w + b)))``, the intercept ``b`` penalised as liblinear penalises its appended
    bias column (``intercept_scaling=1``). It is convex, so the bounded minimum is unique and is found
    by an active set over the few bounded columns: the bounded weights that came out with the forbidden sign are
    held at 0 and the rest is minimised again (a trust-region Newton method, scipy's ``trust-ncg``, as liblinear's,
    started from the previous solution); a bounded weight that turns to its forbidden sign joins the held ones, and a
    held one whose gradient says the objective would fall if it left 0 on its allowed side is freed, until neither
    happens (the Karush-Kuhn-Tucker conditions of the bounded problem). Deterministic. A minimisation
    that stops before converging is logged as a warning. With ``nonnegative`` empty it is session 11's
    :func:`constrain_nonpositive`, step for step.

    Returns ``(coef, intercept)``, ``coef`` as float64.

    Raises
    ------
    ValueError
        When a column is in both lists.
    """
    from scipy.optimize import minimize
    from scipy.special import expit

    nonpositive = np.asarray(nonpositive, dtype=np.int64)
    nonnegative = np.asarray(nonnegative, dtype=np.int64)
    both = np.intersect1d(nonpositive, nonnegative)
    if len(both):
        raise ValueError(f"columns bounded both above and below by 0: {both.tolist()}")
    X = sp.csr_matrix(X, dtype=np.float64)
    # A column that is zero in every row has weight 0 (only the penalty acts on it): optimise the others.
    used = np.flatnonzero(np.diff(X.tocsc().indptr))
    Xu = X[:, used].tocsc()
    t = np.where(np.asarray(y) == 1, 1.0, -1.0)
    sw = np.asarray(sample_weight, dtype=np.float64)
    # The objective divided by C times the total weight: the same minimum, a better-scaled problem.
    total = float(sw.sum())
    lam = 1.0 / (C * total)
    # liblinear's stopping rule (tol 1e-4, sklearn's default): |grad f(w)| <= tol * min(#pos, #neg) / n * |grad f(0)|.
    y01 = np.asarray(y) == 1
    g0 = np.r_[Xu.T @ (-t * sw * 0.5 / total), float((-t * sw * 0.5 / total).sum())]
    gtol = 1e-4 * max(min(int(y01.sum()), int((~y01).sum())), 1) / len(t) * float(np.linalg.norm(g0))
    bounded = np.flatnonzero(np.isin(used, np.concatenate([nonpositive, nonnegative])))
    # Which way each bounded column may not go: True above 0 (nonpositive), False below 0 (nonnegative).
    above = {int(j): bool(np.isin(used[j], nonpositive)) for j in bounded}

    def forbidden(j: int, v: float) -> bool:
        return v > 0 if above[j] else v < 0

    theta = np.r_[np.asarray(coef, dtype=np.float64)[used], intercept]
    held = {int(j) for j in bounded if forbidden(int(j), theta[j])}

    def solve(free: np.ndarray, start: np.ndarray) -> np.ndarray:
        A = Xu[:, free].tocsr()
        AT = A.T.tocsr()
        n = len(free)

        def f(th: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = th[:n], th[n]
            m = t * (A @ w + b)
            g = -t * sw * expit(-m) / total
            value = float((sw * np.logaddexp(0.0, -m)).sum() / total + lam * (w @ w + b * b) / 2)
            return value, np.r_[AT @ g + lam * w, g.sum() + lam * b]

        def hessp(th: np.ndarray, v: np.ndarray) -> np.ndarray:
            p = expit(A @ th[:n] + th[n])
            h = sw * p * (1 - p) / total
            xv = h * (A @ v[:n] + v[n])
            return np.r_[AT @ xv + lam * v[:n], xv.sum() + lam * v[n]]

        res = minimize(f, np.r_[start[free], start[-1]], jac=True, hessp=hessp, method="trust-ncg", options={"maxiter": max_iter, "gtol": gtol})
        if not res.success:
            log.warning("the sign-constrained fit stopped before converging (%s): the weights are those of its last step", res.message)
        out = np.zeros_like(start)
        out[free], out[-1] = res.x[:n], res.x[n]
        return out

    solves = 0
    for _ in range(2 * len(bounded) + 1):
        solves += 1
        theta[sorted(held)] = 0.0
        free = np.setdiff1d(np.arange(len(used)), sorted(held))
        theta = solve(free, theta)
        turned = [int(j) for j in bounded if int(j) not in held and forbidden(int(j), theta[j])]
        if turned:
            held.update(turned)
            continue
        if held:
            # d objective / d w_j at w_j = 0, for the held columns: the objective would fall if w_j left 0 on its allowed
            # side when the slope is positive for a column bounded above (it may go below 0) and negative for one bounded below.
            hs = sorted(held)
            m = t * (Xu @ theta[:-1] + theta[-1])
            g = np.asarray(Xu[:, hs].T @ (-t * sw * expit(-m) / total)).ravel()
            g = np.where([above[j] for j in hs], g, -g)
            if g.max() > RELEASE_GRADIENT * gtol:
                held.discard(hs[int(np.argmax(g))])
                continue
        break
    else:
        log.warning("the sign-constrained fit's active set did not settle: the weights are those of its last step")
    log.debug("sign-constrained fit: %d of %d bounded columns held at 0 after %d solves", len(held), len(bounded), solves)
    out = np.zeros(X.shape[1], dtype=np.float64)
    out[used] = theta[:-1]
    return out, float(theta[-1])


def exclusion_columns(features: CallFeaturiser) -> np.ndarray:
    """Indices of the exclusion columns (:data:`~detector.posts.call_cues.EXCLUSION_COLUMNS`) in ``features``' output (empty without them)."""
    if not features.exclusions:
        return np.zeros(0, dtype=np.int64)
    end = features._n_out() - features._n_language() - features._n_clusters()
    return np.arange(end - len(EXCLUSION_COLUMNS), end, dtype=np.int64)


def cue_column_names(features: CallFeaturiser) -> list[str]:
    """Names of ``features``' 0/1 cue columns, in output order: the columns after the n-grams up to the exclusions
    (the language blocks and the word clusters that follow them are not named)."""
    names: list[str] = []
    if features.lexicon:
        names += LEXICON_COLUMNS
    if features.grammar:
        names += list(GRAMMAR)
    if features.patterns:
        names += PATTERN_COLUMNS
    if features.cues:
        names += CUE_COLUMNS + (TRANSFER_COLUMNS if features.transfer else []) + (UNIT_COLUMNS if features.units else [])
        names += EXCLUSION_COLUMNS if features.exclusions else []
    return names


def part_columns(features: CallFeaturiser) -> np.ndarray:
    """Indices of the columns that name a part of a call (:data:`~detector.posts.call_cues.PART_COLUMNS`) in ``features``'
    output, those it has (session 15: a fit may bound their weights below by 0). The shared columns only: a language
    block's copy (``per_language``) is a language's deviation from the shared weight, and stays free."""
    start = features.n_features if features.ngrams else 0
    names = cue_column_names(features)
    return np.array([start + names.index(c) for c in PART_COLUMNS if c in names], dtype=np.int64)

def fit_two_part(
    X: sp.csr_matrix,
    y: np.ndarray,
    C: float,
    n_ngram: int,
    *,
    cv_groups: np.ndarray,
    groups: np.ndarray | None = None,
    structure_C: float | None = None,
    n_splits: int = 3,
    random_state: int = 0,
) -> tuple[np.ndarray, float]:
    """A linear model fitted in two parts, the structure first, so that the n-grams cannot drown it.

    The columns of ``X`` are :meth:`CallFeaturiser.transform` output: the hashed n-grams first
    (``n_ngram`` columns), then the 0/1 cue columns (the lexicon's parts, grammar, time and place
    patterns, topics and their crossings, the language-independent cues and units), which say the
    same thing in every language.

    1. **Structure part**: L2 logistic regression on the cue columns alone, at ``structure_C``
       (default: ``C``, so that it is the model without n-grams at the same regularisation).
    2. **N-gram part**: L2 logistic regression at ``C`` on the n-grams alone, with the structure
       part's decision value as a fixed offset (cross-fitted over ``n_splits`` folds grouped by
       ``cv_groups``, so that it is as good on a training post as on a new one). The n-grams learn
       only what the structure leaves unexplained: they may add to it or take from it post by
       post, but they cannot take its weight over, as they do in a joint fit when a language's
       calls all name the event.

    Both parts weigh the posts as :func:`fit_linear` does (``groups``). The result is one linear
    model over the same columns, ``coef = [n-gram weights, structure weights]`` and ``intercept =
    n-gram intercept + structure intercept``, so it is saved, loaded and scored like any other.

    Returns ``(coef, intercept)``.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    X = sp.csr_matrix(X)
    y = np.asarray(y).astype(int)
    if not 0 < n_ngram < X.shape[1]:
        raise ValueError(f"n_ngram must leave columns on both sides: {n_ngram} of {X.shape[1]}")
    Xn, Xs = X[:, :n_ngram], X[:, n_ngram:]
    structure_C = C if structure_C is None else structure_C
    ws, bs = fit_linear(Xs, y, structure_C, random_state, groups)
    z = np.asarray(Xs @ ws, dtype=np.float64).ravel() + bs
    if min(int(y.sum()), int(len(y) - y.sum())) >= n_splits and len(np.unique(cv_groups)) >= n_splits:
        cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
        for tr, te in cv.split(Xs, y, cv_groups):
            if len(np.unique(y[tr])) < 2:
                continue  # a part with one class cannot be fitted: its posts keep the in-sample value
            w_k, b_k = fit_linear(Xs[tr], y[tr], structure_C, random_state, None if groups is None else np.asarray(groups)[tr])
            z[te] = np.asarray(Xs[te] @ w_k, dtype=np.float64).ravel() + b_k
    w = balanced_weights(y, groups) if groups is not None else _class_balanced(y)
    wn, bn = fit_with_offset(Xn, y, z, C, w)
    return np.r_[wn, ws].astype(np.float32), float(bn + bs)


def fit_blend(
    X: sp.csr_matrix,
    y: np.ndarray,
    C: float,
    n_ngram: int,
    n_first: int,
    weight: float,
    *,
    groups: np.ndarray | None = None,
    random_state: int = 0,
) -> tuple[np.ndarray, float]:
    """A blend of two linear models over parts of ``X``: the n-gram model and the structure-only model (session 9).

    The columns of ``X`` are :meth:`CallFeaturiser.transform` output: the hashed n-grams first
    (``n_ngram`` columns), then the 0/1 cue columns.

    - the **n-gram model** reads the first ``n_first`` columns (the n-grams and the cue columns that
      come first: the lexicon's parts, grammar, patterns, topic cues);
    - the **structure model** reads every cue column (all columns after the n-grams: with the
      language-independent cues and the units when ``X`` has them), no n-gram.

    Both are :func:`fit_linear` at ``C`` with the same weights (``groups``). The blend's decision value is
    ``weight * structure + (1 - weight) * n-gram``: a weighted mean of the two models' log-odds, so that
    the structure, which says the same thing in every language, keeps its share of every verdict
    whatever the n-grams learnt. It is one linear model over the columns of ``X``, saved, loaded and
    scored like any other.

    Returns ``(coef, intercept)``.
    """
    X = sp.csr_matrix(X)
    y = np.asarray(y).astype(int)
    if not 0 < n_ngram < n_first <= X.shape[1] or n_ngram >= X.shape[1]:
        raise ValueError(f"need 0 < n_ngram < n_first <= columns: {n_ngram}, {n_first}, {X.shape[1]}")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1]: {weight}")
    wn, bn = fit_linear(X[:, :n_first], y, C, random_state, groups)
    ws, bs = fit_linear(X[:, n_ngram:], y, C, random_state, groups)
    coef = np.zeros(X.shape[1], dtype=np.float64)
    coef[:n_first] += (1.0 - weight) * wn
    coef[n_ngram:] += weight * ws
    return coef.astype(np.float32), float((1.0 - weight) * bn + weight * bs)


def _class_balanced(y: np.ndarray) -> np.ndarray:
    """scikit-learn's ``class_weight="balanced"`` as sample weights."""
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    per = {c: len(y) / (len(classes) * k) for c, k in zip(classes, counts, strict=True)}
    return np.array([per[v] for v in y], dtype=np.float64)


def fit_with_offset(X: sp.csr_matrix, y: np.ndarray, offset: np.ndarray, C: float, sample_weight: np.ndarray, max_iter: int = 3000) -> tuple[np.ndarray, float]:
    """L2 logistic regression with a fixed offset per row: ``P(y=1) = sigmoid(X w + b + offset)``.

    Minimises ``C * sum_i s_i log(1 + exp(-t_i (x_i w + b + o_i))) + |w|^2 / 2`` (scikit-learn's
    objective; the intercept is not penalised, as in its L-BFGS solver) by a trust-region Newton method
    (scipy's ``trust-ncg``; Hessian-vector products only). Returns ``(w, b)``;
    a fit that stops before converging is logged as a warning.
    """
    from scipy.optimize import minimize
    from scipy.special import expit

    X = sp.csr_matrix(X, dtype=np.float64)
    # A column that is zero in every row gets weight 0 (only the penalty acts on it): fit the others.
    used = np.flatnonzero(np.diff(X.tocsc().indptr))
    Xu = X[:, used]
    XuT = Xu.T.tocsr()
    t = np.where(np.asarray(y) == 1, 1.0, -1.0)
    o = np.asarray(offset, dtype=np.float64)
    sw = np.asarray(sample_weight, dtype=np.float64)
    n = len(used)
    # The objective divided by C times the total weight: the same minimum, a better-scaled problem.
    total = float(sw.sum())
    lam = 1.0 / (C * total)

    def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:n], theta[n]
        m = t * (Xu @ w + b + o)
        g = -t * sw * expit(-m) / total  # d loss / d (x w + b)
        value = float((sw * np.logaddexp(0.0, -m)).sum() / total + lam * (w @ w) / 2)
        return value, np.r_[XuT @ g + lam * w, g.sum()]

    def hessp(theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = expit(Xu @ theta[:n] + theta[n] + o)
        h = sw * p * (1 - p) / total
        xv = h * (Xu @ v[:n] + v[n])
        return np.r_[XuT @ xv + lam * v[:n], xv.sum()]

    # A trust-region Newton method with conjugate gradients (as liblinear's): a few Hessian products per step.
    res = minimize(f, np.zeros(n + 1), jac=True, hessp=hessp, method="trust-ncg", options={"maxiter": max_iter, "gtol": 1e-9})
    if not res.success:
        log.warning("the offset fit stopped before converging (%s): the weights are those of its last step", res.message)
    coef = np.zeros(X.shape[1], dtype=np.float32)
    coef[used] = res.x[:n]
    return coef, float(res.x[n])


def balanced_weights(y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sample weights that balance the classes within each group and give each group the same total (mean weight 1).

    A group with only one class keeps its total and weighs its posts alike.
    """
    y = np.asarray(y)
    w = np.zeros(len(y), dtype=np.float64)
    names = np.unique(groups)
    for gname in names:
        in_g = groups == gname
        classes = np.unique(y[in_g])
        for c in classes:
            cell = in_g & (y == c)
            w[cell] = 1.0 / (len(classes) * cell.sum())
    return w * len(y) / (len(names))


def fit_platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``p = 1 / (1 + exp(-(a d + b)))`` fitted by maximum likelihood (with Platt's smoothed targets)."""
    from sklearn.linear_model import LogisticRegression

    n_pos, n_neg = float(y.sum()), float(len(y) - y.sum())
    # Platt's targets keep the fit finite when the classes separate.
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    d = decision.reshape(-1, 1)
    Xd = np.vstack([d, d])
    yd = np.r_[np.ones(len(d)), np.zeros(len(d))]
    w = np.r_[t, 1 - t]
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(Xd, yd, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def save_model(model: CallModel, path: str | Path | None = None) -> Path:
    """Write ``<name>.npz`` (weights) and ``<name>.card.json`` (everything else); no pickle."""
    path = Path(path) if path is not None else default_model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, coef=model.coef.astype(np.float32), intercept=np.array([model.intercept]), idf=model.features.idf_)
    f = model.features
    card = {
        **model.card,
        "format_version": FORMAT_VERSION,
        "features": {
            "n_features": f.n_features, "char_ngram": list(f.char_ngram), "word_ngram": list(f.word_ngram),
            "lexicon": f.lexicon, "grammar": f.grammar, "patterns": f.patterns, "cues": f.cues,
            "extra_weight": f.extra_weight, "cue_weight": f.cue_weight, "max_chars": f.max_chars,
            "ngrams": f.ngrams, "transfer": f.transfer, "transfer_weight": f.transfer_weight, "units": f.units,
            "exclusions": f.exclusions, "per_language": f.per_language, "clusters": f.clusters,
        },
        "platt": list(model.platt),
        "threshold": model.threshold,
        "rules": {g: {"threshold": r.threshold, "or_lexicon": r.or_lexicon} for g, r in model.rules.items()},
        "base_rate": model.base_rate,
        "gate": GATE,
    }  # fmt: skip
    if f.clusters:
        # The table the weights were learnt with: load_model refuses another.
        card["word_clusters"] = {"file": word_clusters.default_path().name, "sha256": _table_sha256(f._cluster_table())}
    card_path(path).write_text(json.dumps(card, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def card_path(path: str | Path) -> Path:
    """The JSON card beside a model file."""
    p = Path(path)
    return p.with_name(p.name.removesuffix(".npz") + ".card.json")


_CACHE: dict[str, CallModel] = {}


def load_model(path: str | Path | None = None) -> CallModel:
    """Load a call model saved by :func:`save_model` (cached per path).

    Raises
    ------
    ModelError
        When the files are missing, unreadable or of another format version.
    """
    p = Path(path) if path is not None else default_model_path()
    key = str(p.resolve())
    if key in _CACHE:
        return _CACHE[key]
    t0 = time.perf_counter()
    try:
        card = json.loads(card_path(p).read_text(encoding="utf-8"))
        with np.load(p, allow_pickle=False) as z:
            coef = z["coef"].astype(np.float32)
            intercept = float(z["intercept"][0])
            idf = z["idf"].astype(np.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the call model {p}: {exc}") from exc
    if card.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"call model {p} has format version {card.get('format_version')}, expected {FORMAT_VERSION}")
    fs = card["features"]
    features = CallFeaturiser(
        n_features=int(fs["n_features"]), char_ngram=tuple(fs["char_ngram"]), word_ngram=tuple(fs["word_ngram"]),
        lexicon=bool(fs["lexicon"]), grammar=bool(fs["grammar"]), patterns=bool(fs["patterns"]),
        # Models saved before the topic cues have no "cues" key: they load as they were.
        cues=bool(fs.get("cues", False)), extra_weight=float(fs["extra_weight"]), cue_weight=float(fs.get("cue_weight", 2.0)),
        max_chars=int(fs["max_chars"]), normalised=True,
        # Models saved before the language-independent cues have none of these keys.
        ngrams=bool(fs.get("ngrams", True)), transfer=bool(fs.get("transfer", False)), transfer_weight=float(fs.get("transfer_weight", 1.0)),
        # Models saved before the unit columns (session 7) have no "units".
        units=bool(fs.get("units", False)),
        # Models saved before the exclusion columns (session 10) have no "exclusions".
        exclusions=bool(fs.get("exclusions", False)),
        # Models saved before the per-language blocks (session 12) have no "per_language".
        per_language=bool(fs.get("per_language", False)),
        # Models saved before the word clusters (session 13) have no "clusters".
        clusters=bool(fs.get("clusters", False)),
    )  # fmt: skip
    if features.clusters:
        features.clusters_ = _model_clusters(p, card)
    features.idf_ = idf
    features.n_features_out_ = features._n_out()
    if idf.shape[0] != features.n_features:
        raise ModelError(f"call model {p} has {idf.shape[0]} idf weights, its card describes {features.n_features}")
    if coef.shape[0] != features.n_features_out_:
        raise ModelError(f"call model {p} has {coef.shape[0]} weights, its card describes {features.n_features_out_}")
    # Models saved before the per-language rules have no "rules": one threshold for every post.
    rules = {str(g): Rule(float(r["threshold"]), bool(r.get("or_lexicon", False))) for g, r in card.get("rules", {}).items()}
    model = CallModel(features, coef, intercept, tuple(card["platt"]), float(card["threshold"]), float(card["base_rate"]), card, rules)
    _CACHE[key] = model
    log.debug("loaded call model %s in %.3f s", p, time.perf_counter() - t0)
    return model


def _table_sha256(table: word_clusters.WordClusters) -> str:
    """SHA-256 of a word-cluster table's content (words, ids, sizes, idf), whatever file it came from."""
    h = hashlib.sha256("\n".join(map(str, table.words)).encode("utf-8"))
    for a in (table.ids.astype(np.int64), np.asarray(table.sizes, dtype=np.int64), *[x.astype(np.float32) for x in table.idf]):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _model_clusters(path: Path, card: dict[str, Any]) -> word_clusters.WordClusters:
    """The word-cluster table of a model that reads clusters: the file of the card's name beside the model, else the shipped one;
    its content must be the one the model was trained with (the card's ``sha256``)."""
    info = card.get("word_clusters") or {}
    beside = path.with_name(str(info.get("file", word_clusters.default_path().name)))
    table = word_clusters.load(beside if beside.exists() else None)
    if info.get("sha256") != _table_sha256(table):
        raise ModelError(f"call model {path} was trained with other word clusters than {beside if beside.exists() else word_clusters.default_path()}")
    return table


CALL_COLUMNS = ["is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where", "call_reasons"]


def score_calls(
    texts: pd.Series,
    created_at: pd.Series | None = None,
    lang: pd.Series | None = None,
    *,
    model: CallModel | str | Path | None = None,
    normalised: pd.Series | None = None,
    tz: str | None = None,
    author_location: pd.Series | None = None,
) -> pd.DataFrame:
    """Score every post as a call to action and extract what, when and where of the calls.

    Parameters
    ----------
    texts : Series of str
        Raw post texts (missing values are empty texts).
    created_at : Series, optional
        Post times (any pandas-parsable form; naive times are UTC), aligned with ``texts``;
        relative times ("tomorrow at 18h") are resolved against them.
    lang : Series of str, optional
        Language codes (``sq``, ``sr``, ``sr-Cyrl``, ``bs``, ``hr``, ``en``…); detected with
        :func:`detector.posts.lang.detect_lang` when not given (or blank). It chooses the language
        block of a model with per-language cue weights, the decision rule of the post (the model's
        per-language threshold) and, without ``tz``, the local time zone of the times written.
    model : CallModel or path, optional
        The shipped model when not given.
    normalised : Series of str, optional
        :func:`detector.posts.text.normalize_series` of ``texts``, when the caller has it already
        (it is most of the cost of a batch of a million posts).
    tz : str, optional
        IANA zone of the times the calls write ("tomorrow at 18h"): the user's ``--tz``, the zone
        of the posts' place. Without it, the zone of the call's place when it is a known town, else of
        each post's language (:func:`detector.posts.extract.event_zone`); a zone written in the call wins
        over all. ``when_zone`` says which and why; the reasons name the zone used.
    author_location : Series of str, optional
        Each post's author's profile location (missing where unknown), aligned with ``texts``: for the
        extraction only (:func:`detector.posts.extract.extract`: it gives the zone of a call that names
        no place and no zone, when it names one). The classifier never reads it.

    Returns
    -------
    DataFrame
        Indexed like ``texts``: ``is_call`` (bool), ``call_score`` (calibrated probability in
        (0, 1)), ``event``, ``when`` (as written), ``when_ts`` (UTC, NaT when not resolved),
        ``when_zone`` (the zone it was read in and why), ``when_status``, ``where`` (as written), ``call_reasons`` (the features behind the verdict,
        ``"; "``-separated). What/when/where are filled for calls only.
    """
    m = model if isinstance(model, CallModel) else load_model(model)
    texts = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
    norm = normalize_series(texts.astype("string")) if normalised is None else normalised.astype("string")
    n = len(texts)
    score = np.full(n, m.base_rate, dtype=np.float64)
    keep = gate(norm)
    idx = np.flatnonzero(keep)
    lexicon = np.zeros(n, dtype=bool)
    # Copies of one text are common (that is what coordination looks for): score each text once (once per language
    # group when the model weighs its cues per language).
    kept = norm[keep]
    kept_lang = _languages(texts, lang, idx) if m.features.per_language and len(idx) else None
    key = kept if kept_lang is None else kept.astype(str) + "\x1f" + pd.Series(rule_groups(kept_lang), index=kept.index)
    codes, uniques = pd.factorize(key, use_na_sentinel=False)
    if len(uniques):
        if kept_lang is None:
            u, u_lang = pd.Series(np.asarray(uniques, dtype=object), dtype="string"), None
        else:
            first = np.unique(codes, return_index=True)[1]
            u, u_lang = pd.Series(kept.to_numpy(dtype=object)[first], dtype="string"), kept_lang[first]
        d, lex_u = m.decision_and_lexicon(u, u_lang)
        score[idx] = m.probability(d)[codes]
        lexicon[idx] = lex_u[codes]
    score = np.clip(score, 1e-6, 1 - 1e-6)
    group = None
    if m.rules:
        # Only the posts whose verdict turns on their language need one (detected when not given).
        need = np.flatnonzero(m.undecided(score, lexicon))
        group = np.full(n, "", dtype=object)
        if len(need):
            if lang is None:
                from detector.posts.lang import detect_lang

                need_lang = detect_lang(texts.iloc[need].fillna("").astype(str))
            else:
                need_lang = lang.iloc[need] if len(lang) == n else lang.reindex(texts.index[need])
            group[need] = rule_groups(need_lang)
    is_call = m.is_call(score, lexicon, group)
    out = pd.DataFrame(
        {"is_call": is_call, "call_score": score.round(4), "event": "", "when": "", "when_ts": pd.NaT, "when_zone": "", "when_status": "", "where": "", "call_reasons": ""},
        index=texts.index,
    )
    out["when_ts"] = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns, UTC]")
    calls = np.flatnonzero(is_call)
    if len(calls):
        sub = texts.iloc[calls].fillna("").astype(str)
        if lang is None:
            from detector.posts.lang import detect_lang

            sub_lang = detect_lang(sub)
        else:
            sub_lang = lang.iloc[calls] if len(lang) == n else lang.reindex(sub.index)
        ca = created_at.iloc[calls] if created_at is not None and len(created_at) == n else None
        langs = pd.Series(list(sub_lang), dtype=object)
        where = None
        if author_location is not None:
            where = (author_location.iloc[calls] if len(author_location) == n else author_location.reindex(sub.index)).reset_index(drop=True)
        ex = extract_mod.extract(sub.reset_index(drop=True), None if ca is None else ca.reset_index(drop=True), langs, tz, where)
        # The zone each time was read in (extract's when_zone, without its why), else the one it would be read in.
        said = ex["when_zone"].str.split(" (", n=1, regex=False).str[0]
        ex["zone"] = said.where(said != "", pd.Series([extract_mod.event_zone(lg if isinstance(lg, str) else None, tz) for lg in langs], dtype=object))
        timed = int((ex["when"] != "").sum())
        if timed:
            zones = ", ".join(f"{z} ({k})" for z, k in ex.loc[ex["when"] != "", "zone"].value_counts().items())
            how = "the zone given (--tz)" if tz else (
                "the zone of the call's place when it is a known town, else of its author's profile location when that names one zone, "
                "else of each post's language (give --tz for the zone of the posts' place)"
            )
            log.info("the times written in %d call(s) are read in a zone written in the call, else in %s: %s", timed, how, zones)
        for col in ("event", "when", "when_zone", "when_status", "where"):
            out.iloc[calls, out.columns.get_loc(col)] = ex[col].to_numpy()
        out.iloc[calls, out.columns.get_loc("when_ts")] = ex["when_ts"].to_numpy()
        by_lexicon = ~m.is_call(score, np.zeros(n, dtype=bool), group)[calls]
        out.iloc[calls, out.columns.get_loc("call_reasons")] = _reasons(norm.iloc[calls], ex, score[calls], by_lexicon)
    return out[CALL_COLUMNS]


def _languages(texts: pd.Series, lang: pd.Series | None, rows: np.ndarray) -> np.ndarray:
    """Language codes of the posts at positions ``rows``: the given ones, detected where missing or blank."""
    from detector.posts.lang import detect_lang

    sub = texts.iloc[rows].fillna("").astype(str)
    if lang is None:
        return detect_lang(sub).to_numpy(dtype=object)
    given = lang.iloc[rows] if len(lang) == len(texts) else lang.reindex(texts.index[rows])
    out = pd.Series(given.to_numpy(dtype=object), index=sub.index, dtype=object)
    missing = (out.isna() | (out.astype(str).str.strip() == "")).to_numpy()
    if missing.any():
        out[missing] = detect_lang(sub[missing]).to_numpy(dtype=object)
    return out.to_numpy(dtype=object)


def _reasons(norm: pd.Series, ex: pd.DataFrame, score: np.ndarray, by_lexicon: np.ndarray) -> list[str]:
    from detector.posts import calls

    out = []
    for t, (_, e), s, lx in zip(norm.astype(str).tolist(), ex.iterrows(), score, by_lexicon, strict=True):
        parts = [f"call score {probability_text(s)}"] + (["the lexicon's rule (an event with an invitation, or with a time and a place)"] if lx else [])
        for name, rx in (("invitation", calls.INVITE), ("announcement", calls.ANNOUNCE)):
            hit = rx.search(t)
            if hit:
                parts.append(f'{name} "{hit.group(0)}"')
        if e["event"]:
            parts.append(f"event {e['event']}")
        if e["when"] and e["when_status"] == "no post zone":
            parts.append(f'time "{e["when"]}" (it depends on the post\'s zone, which is not known: give --tz)')
        elif e["when"]:
            parts.append(f'time "{e["when"]}" (read in {e["zone"]})')
        if e["where"]:
            parts.append(f'place "{e["where"]}"')
        out.append("; ".join(parts))
    return out
