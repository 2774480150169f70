"""Language-independent cues of a call to action: one column per idea, whatever the language.

This module owns the word lists behind :func:`transfer_matrix`: each column is one *idea* of a
call, written in Albanian, Serbian (Latin and Cyrillic share the folded form) and English, so that
a weight learnt from the English and Serbian calls applies to an Albanian call that says the same
thing in other words. Character n-grams cannot do that (they share almost nothing across the three
languages); these columns do. The ideas:

- ``x_invite``: an invitation, as grammar marks it: an imperative plural (Albanian ``ejani``,
  ``dilni``, ``bashkohuni``, ``mblidhuni``; Serbian ``dođite``, ``izađite``, ``pridružite se``;
  English "join us", "come out"), a hortative first person plural (``le të dalim``, ``shihemi``,
  ``takohemi``; ``vidimo se``, ``okupimo se``, ``krenimo``; "let's", "see you there") or an
  organiser's "we invite / we await you" (``ju ftojmë``, ``ju presim``; ``pozivamo``; "we invite");
- ``x_event``: the name of a collective action (``protestë``, ``tubim``, ``marsh``, ``grevë``,
  ``bllokadë``; ``protest``, ``skup``, ``zbor``, ``blokada``, ``šetnja``, ``marš``; protest, rally,
  march, vigil, strike);
- ``x_everyone``: a call on everybody (``të gjithë``, ``bashkë``, ``masivisht``; ``svi``,
  ``zajedno``, ``masovno``; everyone, together, en masse);
- ``x_soon``: a near or future time (``sot``, ``sonte``, ``nesër``, ``të shtunën``, ``do të``;
  ``danas``, ``večeras``, ``sutra``, ``u subotu``, ``biće``; today, tonight, tomorrow, this Saturday, will);
- ``x_people``: a collective addressee (``qytetarë``, ``populli``, ``studentët``; ``građani``,
  ``narod``, ``studenti``; citizens, people, students);
- ``x_you``: the second person plural (``ju``, ``juve``; ``vi``, ``vas``, ``vam``; you, your);

and their crossings with each other and with the time and place patterns of
:mod:`detector.posts.extract` (:data:`TRANSFER_COLUMNS`).

Two of those crossings are also offered on their own (:data:`UNIT_COLUMNS`, :func:`unit_matrix`,
session 7), so that the n-gram model can take them without the other transfer columns: an
invitation with a time and a place counts as one unit in any language,

- ``u_time_place_address``: a time (written, or a near-time or day word) AND a place AND an
  invitation or a call on everyone ("sutra u 18h svi ispred Skupštine", "nesër në orën 18 të
  gjithë para Komunës", "tomorrow at 6pm everyone in front of City Hall");
- ``u_action_time_address``: the name of an action AND a time AND an invitation or a call on
  everyone ("ejani të gjithë në protestë të hënën", "join the march on Saturday").

They use only the word lists below; no word was added for them.

What a call is NOT, by the labelling definition (session 10, :data:`EXCLUSION_COLUMNS`,
:func:`exclusion_matrix`): a non-political event (a concert, fair, match, parade, clean-up, a
motorsport rally), figures and markets, the month March (with figures: finance news), a TV
broadcast, a third person's call relayed to third parties, and an invitation's shape with any of
them. The call model appends them with ``exclusions=True`` and then zeroes the unit columns where a
non-political event, a broadcast or March with figures is named.

Session 11 (:data:`KOSOVO_ADDITIONS`): Kosovo's Gheg Albanian forms (``t'dalim``, ``t'u dalim``, ``me u bashkue``,
``hajt``, ``krejt``, ``nesre``, ``t'shtunën``) and its Serbian and Albanian places of protest (the Ibar bridge, Gazimestan,
Jarinje, the municipalities of North Kosovo), added to these lists, the lexicon, the grammar, the topics and the gate.

Where the words come from. Written by the helper h23 from knowledge of the languages, following
these descriptions, never from the labelled posts or their errors:

- Albanian: L. Newmark, P. Hubbard, P. Prifti, *Standard Albanian: A Reference Grammar for
  Students* (Stanford University Press, 1982): the imperative plural in ``-ni`` (``dilni``,
  ``ejani``) and ``-uni`` for non-active verbs (``bashkohuni``, ``mblidhuni``, ``ngrihuni``), the
  non-active first person plural in ``-emi`` (``shihemi``, ``takohemi``, ``mblidhemi``), the
  subjunctive first person plural after ``le të`` / ``të`` (``le të dalim``, ``të shkojmë``), the
  future ``do të``; the words for actions from *Fjalor i gjuhës së sotme shqipe* (Akademia e
  Shkencave, Tiranë); colloquial and Gheg forms of Kosovo and North Macedonia (``hajde``,
  ``hajdeni``, ``nesre``, ``shifemi``) as the dialect descriptions of the Gheg area give them.
- Serbian: T. Alexander, *Bosnian, Croatian, Serbian: A Grammar with Sociolinguistic Commentary*
  (University of Wisconsin Press, 2006): the imperative second person plural in ``-ite``/``-jte``
  (``dođite``, ``izađite``, ``okupite se``, ``ponesite``), the first person plural imperative in
  ``-imo``/``-jmo`` (``krenimo``, ``okupimo se``, ``šetajmo``), ``hajde``/``ajde`` with a first person
  plural, the future ``će``/``ćemo``/``biće``; the words for actions from *Rečnik srpskoga jezika*
  (Matica srpska, 2007).
- English: ordinary usage.

All words are in the folded form of :func:`detector.posts.text.normalize` (lower case, Cyrillic in
Latin, no diacritics: ``ë``→``e``, ``ç``→``c``, ``đ``→``dj``, ``č``/``ć``→``c``, ``š``→``s``,
``ž``→``z``), and also as people type them without diacritics (``dodite``/``dodjite``).

Every pattern has the shape ``(?<!\\w)(?:a|b|c)(?!\\w)``, so :mod:`detector.posts.matching` tests it
with RE2 on all texts at once. It never reads files and never decides what a call is: the trained
model (:mod:`detector.posts.call_model`) weighs these columns.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import regex

from detector.posts.matching import Texts


def _rx(*alternatives: str) -> regex.Pattern[str]:
    return regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags=regex.IGNORECASE)


# The Serbian "marš" (a march), folded to "mars", is also the Albanian month: not after a day number,
# a year or a word that Albanian puts before a month ("në mars", "më 8 mars", "muajin mars", "deri
# në mars"), nor before a number ("mars 2019"). Those words are whole words (session 9; before, only
# extract.py's copy had them so): "protestni marš" is a march, though "protestni" ends in "i". In
# posts known to be Albanian, "mars" is never a march (:func:`detector.posts.extract.event_kind`).
SERBIAN_MARCH = (
    r"(?<![\d.]\s?)(?<!(?<!\w)(?:ne|me|nga|prej|deri|muaji|muajin|muajit|date|daten|te|i|e|in|of|since|until|through) )mars(?:a|u|om|evi)?(?! ?\d)"
)

# Imperative plurals, hortatives and the organiser's "we invite you / we await you".
INVITE_WORDS = {
    "sq": [
        r"ejani", r"eja", r"vini", r"te vini", r"dilni", r"dalim", r"te dalim", r"zbrisni",
        r"bashkohuni", r"bashkohu", r"bashkojuni", r"bashkoju", r"bashkohemi", r"te bashkohemi", r"na u bashko\w*",
        r"mblidhuni", r"mblidhemi", r"te mblidhemi", r"grumbullohuni", r"ngrihuni", r"ngrihemi", r"te ngrihemi", r"zgjohuni",
        r"hajde", r"hajdeni", r"hajt", r"le te \w+", r"le t'\w+",
        r"shihemi", r"shifemi", r"takohemi", r"shkojme", r"te shkojme", r"nisemi", r"te nisemi",
        r"marshojme", r"te marshojme", r"protestojme", r"te protestojme", r"bojkotojme", r"bllokojme",
        r"merrni pjese", r"mos mungoni", r"mos mungo", r"mos heshtni", r"mos rrini", r"te jemi", r"te jeni",
        r"ju presim", r"ju mirepresim", r"ju ftojme", r"ju ftoj", r"ftojme", r"ftoj", r"fton", r"ftese", r"te ftuar",
        # Session 11, Gheg (Kosovo, North Macedonia): "t'" for "të", the infinitive "me" + participle, "hajt", "ju pritim"
        r"t'u dalim", r"t'dalim", r"t'bashkohemi", r"t'mblidhemi", r"t'shkojme", r"t'protestojme", r"ju pritim",
        r"me u bashku(?:e|ar|em)", r"me dal(?:e)? (?:ne|n'\w+)",
    ],
    "sr": [
        r"dodj?ite", r"dodj?i", r"dodj?imo", r"dolazite", r"izadj?ite", r"izadj?imo", r"izidj?ite", r"izlazite", r"izlazimo",
        r"pridruzite(?: nam)? se", r"pridruzi(?: nam)? se", r"pridruzimo se", r"okupimo se", r"okupite se", r"okupljamo se",
        r"budite", r"budimo", r"krenimo", r"krenite", r"idemo", r"hajde", r"ajde", r"hajdemo", r"ajdemo", r"ajmo", r"hajmo",
        r"vidimo se", r"pozivamo", r"pozivaju", r"pozivam", r"poziva", r"poziv", r"pozivnic\w*", r"ne propustite", r"ne propusti",
        r"podrzite", r"podrzimo", r"ustanimo", r"ustanite", r"stanimo", r"setajmo", r"prosetajmo", r"marsirajmo",
        r"protestujmo", r"protestujemo", r"blokirajmo", r"ostanimo", r"cekamo vas", r"ocekujemo vas",
        r"ponesite", r"povedite", r"dovedite", r"svi na", r"svi u", r"svi ispred",
    ],
    "en": [
        r"join (?:us|me|the|our|in|together)", r"come (?:out|join|and|to|down|along|together|with)", r"be there", r"show up",
        r"turn out", r"see you (?:there|at|on|tomorrow|tonight|soon)", r"meet (?:us|at|in|outside)", r"let'?s", r"let us",
        r"stand (?:with|up|together)", r"take to the streets?", r"bring (?:your|a|friends|signs)", r"rsvp", r"attend",
        r"we invite", r"you are invited", r"please join", r"all out", r"(?:march|rally|walk) with", r"don'?t miss",
    ],
}  # fmt: skip
# Names of collective actions. The Serbian "marš" folds to "mars", Albanian for March: it counts
# only where no day number, year or Albanian word that goes before a month is next to it.
EVENT_WORDS = {
    "sq": [
        r"protest\w*", r"tubim\w*", r"marsh\w*", r"grev\w*", r"bllokad\w*", r"bllokim\w*", r"bojkot\w*", r"demonstrat\w*",
        r"manifestim\w*", r"miting\w*", r"kundermiting\w*", r"ngujim\w*", r"homazh\w*", r"perkujtim\w*", r"okupim\w*",
        r"barrikad\w*",  # session 11, Kosovo
    ],
    "sr": [
        r"skupu", r"skupom", r"skupovi", r"skupova", r"zbor(?:a|u|ovi|ova)?", r"plenum\w*", r"blokad\w*", r"blokir\w*",
        r"setnj\w*", r"demonstracij\w*", r"okupljanj\w*", r"strajk\w*", r"kontramiting\w*", r"bdenj\w*", r"komemoracij\w*",
        r"cutanj\w*", r"povork\w*", r"kolon[aeu]", r"barikad\w*",  # session 11: the barricades of North Kosovo
        SERBIAN_MARCH,
    ],
    "en": [
        r"rally", r"rallies", r"marches", r"marching", r"march (?:on|for|to|against|with|in solidarity)", r"demonstrations?",
        r"demo", r"vigils?", r"strikes?", r"sit-?ins?", r"walk-?outs?", r"picket\w*", r"blockades?", r"boycott\w*",
        r"gatherings?", r"teach-?ins?", r"day of action", r"town ?hall",
    ],
}  # fmt: skip
EVERYONE_WORDS = {
    "sq": [r"te gjithe", r"te gjitha", r"t'? ?gjithe", r"gjithkush", r"kushdo", r"mbare", r"bashke", r"te bashkuar", r"sa me shume", r"ne mase", r"masivisht",
           r"t'? ?gjith", r"krejt", r"krejt bashke"],  # session 11, Gheg
    "sr": [r"svi", r"svih", r"svima", r"svako", r"svakog", r"zajedno", r"masovno", r"u sto vecem broju", r"sto vise nas", r"svi mi"],
    "en": [r"everyone", r"everybody", r"all of you", r"y'?all", r"all together", r"together", r"en masse", r"as many as", r"in numbers", r"bring (?:a )?friends?"],
}  # fmt: skip
SQ_DAYS = r"(?:hene|marte|merkure|enjte|premte|shtune|diele|fundjave)n?"
SR_DAYS = r"(?:ponedeljak|ponedjeljak|utorak|sred[ua]|srijed[ua]|cetvrtak|petak|subot[ue]|nedel?j[ue]|nedjelj[ue]|vikend)"
EN_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)"
SOON_WORDS = {
    "sq": [r"sot", r"sonte", r"neser", r"nesre", r"nesr", r"pasneser", rf"(?:te|kete|ket|ete) {SQ_DAYS}", r"do te", r"do t'\w+", r"se shpejti", r"javen e ardhshme",
           r"pasnesre", rf"t'{SQ_DAYS}"],  # session 11, Gheg
    "sr": [r"danas", r"veceras", r"sutra", r"prekosutra", rf"(?:u|ove|ovog|ovu|ovaj|sledece|sledeci|iduce|iduci|narednog|naredne) {SR_DAYS}", r"ce se", r"cemo", r"bice", r"uskoro"],
    "en": [r"today", r"tonight", r"tomorrow", rf"(?:this|next|on|this coming) {EN_DAYS}", r"this (?:week|evening|afternoon|morning)", r"next week", r"will", r"\w+'ll", r"upcoming", r"soon"],
}  # fmt: skip
PEOPLE_WORDS = {
    "sq": [r"qytetar\w*", r"bashkeqytetar\w*", r"popull\w*", r"banor\w*", r"student\w*", r"te rinj\w*", r"rinia", r"rinise", r"shqiptar\w*",
           r"vellezer", r"motra", r"prinder\w*", r"pensionist\w*", r"punetor\w*", r"minator\w*", r"mesues\w*", r"fermer\w*",
           r"kosovar\w*", r"bashkatdhetar\w*"],  # session 11, Kosovo
    "sr": [r"gradjan\w*", r"sugradjan\w*", r"narod\w*", r"student\w*", r"srednjoskol\w*", r"radnici", r"radnike", r"radnika", r"prosvetar\w*",
           r"penzioner\w*", r"poljoprivrednic\w*", r"komsij\w*", r"ljudi", r"prijatelji", r"drugari", r"sunarodnic\w*"],
    "en": [r"citizens?", r"people", r"students?", r"workers?", r"neighbou?rs?", r"patriots?", r"folks", r"americans?", r"voters", r"parents", r"veterans", r"friends"],
}  # fmt: skip
YOU_WORDS = {"sq": [r"ju", r"juve", r"ju lutem"], "sr": [r"vi", r"vas", r"vam", r"molimo"], "en": [r"you", r"your", r"y'?all"]}


def _all(words: dict[str, list[str]]) -> regex.Pattern[str]:
    return _rx(*(w for lang in ("sq", "sr", "en") for w in words[lang]))


CONCEPTS = {
    "x_invite": _all(INVITE_WORDS),
    "x_event": _all(EVENT_WORDS),
    "x_everyone": _all(EVERYONE_WORDS),
    "x_soon": _all(SOON_WORDS),
    "x_people": _all(PEOPLE_WORDS),
    "x_you": _all(YOU_WORDS),
}
COMBO_COLUMNS = [
    "x_invite_event", "x_invite_time_or_place", "x_invite_time_place", "x_event_time_place", "x_event_soon",
    "x_everyone_time_or_place", "x_everyone_invite", "x_people_invite_or_soon", "x_call_shape_not_leisure",
    "x_event_invite_or_everyone_or_soon_not_report", "x_event_people",
]  # fmt: skip
TRANSFER_COLUMNS = list(CONCEPTS) + COMBO_COLUMNS


UNIT_COLUMNS = ["u_time_place_address", "u_action_time_address"]

# Session 11 (h61): every word that session added for Kosovo's Gheg Albanian and Serbian, to this module's lists, the
# lexicon of :mod:`detector.posts.calls` and the grammar, topics and gate of :mod:`detector.posts.call_model`, in one
# pattern, so that an evaluation can count the posts on which they fire (it decides nothing). Written from knowledge of
# the languages and the region (the Gheg "t'" for "të" and "n'" for "në", the infinitive "me" + participle in -ue,
# "hajt", "krejt"; the Ibar bridge of Mitrovica, Gazimestan, the Jarinje crossing, the municipalities of North Kosovo,
# the squares of Prishtina; the barricades of 2011 and 2022; Kosovo's parties and the international missions), never
# from labelled posts.
KOSOVO_ADDITIONS = _rx(
    r"barr?ikad\w*", r"t'u dalim", r"t'dalim", r"t'bashkohemi", r"t'mblidhemi", r"t'shkojme", r"t'protestojme", r"hajt",
    r"ju pritim", r"me u bashku(?:e|ar|em)", r"me dal(?:e)? (?:ne|n'\w+)", r"svi na (?:most|barikade|jarinj\w*|gazimestan|blokad\w*)",
    r"nesre", r"pasnesre", r"(?:ne |n')oren \d{1,2}", r"n'ora \d{1,2}", rf"t'{SQ_DAYS}", r"t'? ?gjith", r"krejt", r"kosovar\w*",
    r"bashkatdhetar\w*", r"sunarodnic\w*", r"n'(?:bashki\w*|kuvend\w*|qeveri\w*|shesh\w*|ur[ae]\w*|komun\w*|qender|rrug\w*)",
    r"ur(?:a|en|es) e ibrit", r"most(?:u|a)? na ibru", r"ibarsk\w* most\w*", r"ibr(?:it|u)", r"gazimestan\w*", r"jarinj\w*",
    r"zvecan\w*", r"leposaviq\w*", r"leposavic\w*", r"zubin potok\w*", r"gracanic\w*", r"zahir pajaziti", r"nena tereze",
    r"adem jashari", r"spomenik\w* knezu lazaru", r"ldk", r"pdk", r"aak", r"nisma", r"lista serbe", r"srpska lista", r"kfor",
    r"eulex", r"unmik", r"asociacion\w*", r"zajednic\w* srpskih opstina",
)

# Session 10 (h50): what the labelling definition says a call is NOT, one 0/1 column per kind
# (:func:`exclusion_matrix`). Written from the written definition of ``../shared/datasets/balkan-posts``
# (its exclusions: invitations to non-political events such as a concert, fair, match, parade or
# clean-up; news that relays someone else's call; and its "keyword traps": a motorsport rally, a
# blocked bank account, the month March), the grammars named above and general knowledge; never
# from labelled posts or their errors.
NONPOLITICAL_WORDS = {
    "sq": [r"koncert\w*", r"festival\w*", r"panair\w*", r"ndeshj\w*", r"parad(?:e|a|en|es|at|ave)", r"karnaval\w*",
           r"pastrim\w*", r"aksion pastrimi", r"rali", r"ekspozit\w*", r"turne(?:u|ut|ne)?"],
    "sr": [r"koncert\w*", r"festival\w*", r"sajam", r"sajm\w*", r"utakmic\w*", r"parad(?:a|e|i|u|om|ama)", r"karneval\w*",
           r"ciscenj\w*", r"akcij[aeu] ciscenja", r"reli", r"izlozb\w*", r"turnir\w*"],
    "en": [r"concerts?", r"festivals?", r"fairs?", r"matchday", r"match day", r"football match", r"(?:the|a) match", r"parades?",
           r"carnivals?", r"clean ?-?ups?", r"car rally", r"rally car", r"motorsport", r"tournaments?", r"exhibitions?", r"expo"],
}  # fmt: skip
FINANCE_WORDS = {
    "sq": [r"tremujor\w*", r"pbb", r"inflacion\w*", r"bursa\w*", r"fitim\w*", r"aksione", r"dividend\w*", r"miliard\w*", r"milion\w*",
           r"kurs\w* i kembimit", r"perqind\w*"],
    "sr": [r"kvartal\w*", r"bdp", r"inflacij\w*", r"berz\w*", r"prihod\w*", r"dobit\w*", r"deonic\w*", r"dionic\w*", r"dividend\w*",
           r"milijard\w*", r"milion\w*", r"devizn\w* kurs\w*", r"odsto", r"posto",
           r"(?:blokad\w*|blokiran\w*) (?:\w+ ){0,2}racun\w*", r"racun\w* (?:\w+ ){0,2}(?:blokad\w*|blokiran\w*)"],
    "en": [r"quarter(?:ly)?", r"q[1-4]", r"fiscal", r"year ending", r"year-end", r"gdp", r"inflation", r"percent", r"per cent",
           r"bonds?", r"stocks?", r"shares", r"earnings", r"revenues?", r"profits?", r"dividends?", r"billions?", r"millions?",
           r"exchange rate", r"\d+(?:[.,]\d+)? ?%"],
}  # fmt: skip
_MONTH_BEFORE_EN = r"(?:in|since|until|till|by|of|from|through|early|mid|late|end of|ending|last|this|next)"
MARCH_MONTH_WORDS = {
    "sq": [r"(?:\d{1,2}\.? ?|(?:ne|me|nga|prej|deri|muaji|muajin|muajit|date|daten) )mars", r"mars ?\d{2,4}"],
    "sr": [r"mart(?:a|u|om)?"],
    "en": [rf"{_MONTH_BEFORE_EN} march", r"march \d{1,4}(?:st|nd|rd|th)?", r"\d{1,2}(?:st|nd|rd|th)? (?:of )?march"],
}  # fmt: skip
LIVE_WORDS = [r"live", r"uzivo", r"drejtperdrejt", r"direkt", r"ne direkt", r"prenos\w*", r"transmet\w*", r"broadcast\w*", r"on air"]
TV_WORDS = [r"tv", r"televizij\w*", r"televizion\w*", r"television", r"kanal\w*", r"channels?", r"rtsh", r"rts", r"emision\w*",
            r"emisij\w*", r"program\w*", r"ekran\w*"]  # fmt: skip
RELAYED_WORDS = {
    "sq": [r"(?:fton|ftoi|ftojne|ben thirrje|beri thirrje|bejne thirrje) (?:\w+ )?(?:qytetaret|mbeshtetesit|simpatizantet|popullin|shqiptaret|studentet)"],
    "sr": [r"(?:poziva|pozvao|pozvala|pozvali|pozivaju|pozivao|pozivala) (?:\w+ )?(?:gradjane|pristalice|ljude|narod|studente|birace)"],
    "en": [r"(?:calls|called|urges|urged) (?:on )?(?:\w+ )?(?:citizens|people|supporters|residents|the public|voters)"],
}  # fmt: skip
EXCLUSIONS = {
    "x_nonpolitical": _rx(*(w for lang in ("sq", "sr", "en") for w in NONPOLITICAL_WORDS[lang])),
    "x_finance": _rx(*(w for lang in ("sq", "sr", "en") for w in FINANCE_WORDS[lang])),
    "x_march_month": _rx(*(w for lang in ("sq", "sr", "en") for w in MARCH_MONTH_WORDS[lang])),
    "x_live": _rx(*LIVE_WORDS),
    "x_tv": _rx(*TV_WORDS),
    "x_relayed": _rx(*(w for lang in ("sq", "sr", "en") for w in RELAYED_WORDS[lang])),
}
EXCLUSION_COLUMNS = ["x_nonpolitical", "x_finance", "x_march_month", "x_march_month_finance", "x_broadcast", "x_relayed", "x_shape_excluded"]


# Session 15 (h97): the cue columns that name a PART of a call as the labelling definition states it ("urges or invites
# readers to take part in a specific collective physical action (a protest, march, rally, gathering, blockade, strike,
# walk, vigil)", its example naming a time and a place), by part. Where the definition says a post with the part is
# more of a call, a fit may bound the column's weight below by 0 (:func:`detector.posts.call_model.part_columns`), as
# :data:`EXCLUSION_COLUMNS` are bounded above. Names of the call model's columns: the lexicon's parts (``cta_*``), the
# grammar cues and time/place patterns of :mod:`detector.posts.call_model`, and this module's transfer and unit columns.
# Not parts: the announcement words (the definition counts an announcement only in the organiser's voice, which they
# do not tell from a reporter's), the crossings of parts (in a linear model with the parts, a correction to their sum),
# the collective nouns ``x_people`` (third person as often as vocative), the topic and report cues.
PART_GROUPS = {
    "an urge or invitation to readers": ("cta_invite", "hortative", "imperative", "x_invite"),
    "the second person plural or everyone": ("addressee", "x_everyone", "x_you"),
    "a collective physical action": ("cta_event", "x_event"),
    "a time": ("cta_time", "has_when", "has_clock", "soon", "x_soon"),
    "a place": ("cta_place", "has_where", "has_town"),
    "an invitation or everyone with a time and a place; an action with a time and an invitation or everyone": tuple(UNIT_COLUMNS),
}
PART_COLUMNS = [name for names in PART_GROUPS.values() for name in names]

def concept_matrix(texts: Texts, names: list[str] | None = None) -> np.ndarray:
    """0/1 matrix of the :data:`CONCEPTS` (or those in ``names``, in that order), one column each, for every (normalised) text."""
    names = list(CONCEPTS) if names is None else names
    out = np.zeros((len(texts), len(names)), dtype=np.float32)
    for j, name in enumerate(names):
        out[:, j] = texts.search(CONCEPTS[name])
    return out


def unit_matrix(texts: Texts, time: np.ndarray, place: np.ndarray) -> np.ndarray:
    """The :data:`UNIT_COLUMNS` of normalised texts: an invitation with a time and a place, or with an action and a time.

    Parameters
    ----------
    texts : Texts
        The normalised texts, ready to be searched.
    time, place : ndarray
        0/1 per text: a time, a place is written (the time and place patterns and the lexicon's).
        A near-time or day word (``x_soon``) counts as a time too.
    """
    # Each word list is searched only where the unit still depends on it (the posts job scores a
    # million posts): the near-time words where no time is written, the invitation and "everyone"
    # where there is a time, the action where there is also an invitation.
    when = np.asarray(time, dtype=bool) | _search_rows(texts, np.flatnonzero(~np.asarray(time, dtype=bool)), ["x_soon"])[:, 0]
    timed = np.flatnonzero(when)
    inv_every = _search_rows(texts, timed, ["x_invite", "x_everyone"])
    address = inv_every[:, 0] | inv_every[:, 1]
    ev = _search_rows(texts, np.flatnonzero(address), ["x_event"])[:, 0]
    return np.stack([address & (np.asarray(place) > 0), ev], axis=1).astype(np.float32)


def _search_rows(texts: Texts, rows: np.ndarray, names: list[str]) -> np.ndarray:
    """:func:`concept_matrix` of ``names`` on the texts of ``rows`` only (False elsewhere), as a bool matrix."""
    out = np.zeros((len(texts), len(names)), dtype=bool)
    if len(rows) == len(texts):
        return concept_matrix(texts, names).astype(bool)
    if len(rows):
        out[rows] = concept_matrix(Texts(texts.arr.take(pa.array(rows, type=pa.int64()))), names).astype(bool)
    return out


def transfer_matrix(texts: Texts, time: np.ndarray, place: np.ndarray, leisure: np.ndarray, report: np.ndarray) -> np.ndarray:
    """The :data:`TRANSFER_COLUMNS` of normalised texts.

    Parameters
    ----------
    texts : Texts
        The normalised texts, ready to be searched.
    time, place : ndarray
        0/1 per text: a time, a place is written (the time and place patterns and the lexicon's).
    leisure : ndarray
        0/1 per text: the subject is an evening out, a show or a broadcast (the topic cues).
    report : ndarray
        0/1 per text: a past tense or a news marker (the grammar cues).
    """
    c = concept_matrix(texts)
    inv, ev, every, soon, people = c[:, 0], c[:, 1], c[:, 2], c[:, 3], c[:, 4]
    tp_any = np.maximum(time, place)
    combos = [
        inv * ev, inv * tp_any, inv * time * place, ev * time * place, ev * soon,
        every * tp_any, every * inv, people * np.maximum(inv, soon), np.maximum(inv, every) * time * place * (1 - leisure),
        ev * np.maximum.reduce([inv, every, soon]) * (1 - report), ev * people,
    ]  # fmt: skip
    return np.hstack([c, np.stack(combos, axis=1)]).astype(np.float32)


def exclusion_matrix(texts: Texts, shape: np.ndarray) -> np.ndarray:
    """The :data:`EXCLUSION_COLUMNS` of normalised texts (0/1), and the mask of the unit columns as the last column.

    Parameters
    ----------
    texts : Texts
        The normalised texts, ready to be searched.
    shape : ndarray
        0/1 per text: an invitation's shape (an invitation with a time or a place, or a time with a place),
        as :func:`detector.posts.call_model.cue_matrix` computes it.

    Returns
    -------
    ndarray of shape (n, len(EXCLUSION_COLUMNS) + 1)
        The columns, then 1 where the unit columns may fire (no listed non-political event, no TV broadcast,
        no month March with figures) and 0 where they are masked.
    """
    n = len(texts)
    hit = {name: np.asarray(texts.search(rx), dtype=bool) for name, rx in EXCLUSIONS.items()}
    you = np.asarray(texts.search(CONCEPTS["x_you"]), dtype=bool) if n else np.zeros(0, dtype=bool)
    nonpol, fin, march = hit["x_nonpolitical"], hit["x_finance"], hit["x_march_month"]
    march_fin = march & fin
    broadcast = hit["x_live"] & hit["x_tv"]
    relayed = hit["x_relayed"] & ~you
    excluded = nonpol | broadcast | march_fin
    shape_ex = (np.asarray(shape) > 0) & (excluded | relayed)
    cols = [nonpol, fin, march, march_fin, broadcast, relayed, shape_ex, ~excluded]
    return np.stack(cols, axis=1).astype(np.float32) if n else np.zeros((0, len(cols)), dtype=np.float32)
