"""A parsed query -> the Plan engines run: what to match, what adds to the score, filters, sort, depth.

Input: the expanded query (expand.py), and in the fallback the words kept (fallback.py).
Output: read by each engine (search/engines/), which turns it into its own query objects. Each
syllable must match its folded term, so `hop tac` finds `hợp tác`; an abbreviation matches any
of its forms. Everything else only adds to the score of what matched, and costs nothing for
documents that did not: the accents typed, the form of an abbreviation typed, question words,
and the query's syllables side by side. A plan names logical fields and word forms, never an
engine's field names:
- field "text" (title, body and captions, the title weighing most), "title", or "pairs";
- words as typed (canonical, lower case); `exact` asks for accents as typed: a word typed with
  accents matches only that spelling, a plain one matches every spelling.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from search.normalize import has_accents
from search.query.parse import Clause, ParsedQuery
from search.query.segment import Word

# How much more a word counts in the title than in the body (BM25F in Whoosh's one field; a
# boosted title field in tantivy), and how much less in a photo caption.
TITLE_WEIGHT = 3.0
CAPTION_WEIGHT = 0.5
# What matches can be counted by: the article's site, and the month of its date (Vietnam time).
FACETS = ("site", "month")
# A syllable typed with accents that matches exactly outweighs several folded-only matches: the
# user who types "cá" means fish, not "cà phê" or "ca sĩ".
EXACT_BOOST = 4.0
# An abbreviation matches each of its forms; the form the reader typed ranks first ("UBND" finds
# "Ủy ban nhân dân" too, below the articles that write "UBND"). A rare abbreviation scores
# high on its own in BM25, a full form of common syllables low: the bonus has to outweigh that.
TYPED_FORM_BOOST = 8.0
# Question words ("vì sao", "ở đâu") are not required; an article that has them ranks a little
# higher, as any other word would.
QUESTION_BOOST = 1.0
# Bonus for each pair of query syllables found side by side, in the order typed: Vietnamese words
# are several syllables, and "ủy ban nhân dân" in a row is what the reader means, not "ủy ban"
# here and "nhân dân" ten times elsewhere.
PAIR_BOOST = 6.0
# The words the fallback left out are in no article whole; one that holds their syllables
# ranks higher, as Meilisearch ranks documents by the query words they hold. As much as the
# form of an abbreviation typed: "trồng cây" in "TP HCM trồng cây" outweighs which form of
# TP.HCM an article writes.
LEFT_OUT_BOOST = TYPED_FORM_BOOST


@dataclass(frozen=True)
class Terms:
    """A leaf: one word, or several as a phrase (or, in field "pairs", two neighbours)."""

    field: str  # "text", "title" or "pairs"
    words: tuple[str, ...]
    exact: bool = False
    prefix: bool = False
    boost: float = 1.0

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1 and self.field != "pairs"


@dataclass
class Plan:
    must: list[list[Terms]] = field(default_factory=list)  # each group: one of its Terms
    should: list[Terms] = field(default_factory=list)  # adds to the score of what matched
    must_not: list[Terms] = field(default_factory=list)
    site: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"  # or "date", newest first
    limit: int = 10  # hits wanted, from the top
    count_up_to: int = 10_000  # count matches exactly up to this many, then say "at least"
    deadline: float | None = None  # time.monotonic() after which to return what was found
    facets: bool = False  # also count the matches by site and by month (FACETS)
    # Also count the matches that are their story's first article (Results.originals): how
    # many stories matched, at least (search/query/collapse.py).
    count_originals: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.site or self.date_from or self.date_to)

    def single_word(self) -> str | None:
        """The one plain folded-matched word of a one-word query, else None."""
        if len(self.must) == 1 and len(self.must[0]) == 1 and not self.must_not:
            terms = self.must[0][0]
            if terms.field == "text" and len(terms.words) == 1 and not (terms.prefix or terms.exact):
                return terms.words[0]
        return None


def make_plan(parsed: ParsedQuery, words: list[Word], strict: bool = False) -> Plan:
    """The query plan: each of the words must match, and the rest only adds to the score.

    A word of syllables typed apart (segment.py: "ha noi") must match syllable by syllable and
    side by side, whatever the accents: an article with "nội địa" and "Hà Giang" holds no "Hà
    Nội". `strict` (the fallback, searching the words it kept): a word typed with accents must
    match them exactly ("Bắc Bling" must not fall back to every "Bác sĩ").
    """
    must = [group for word in words for group in _required(word, strict)]
    within = {terms for group in must for terms in group if terms.field == "pairs"}
    should = [t for c in parsed.positive() for t in _bonus(c)]
    should += [_typed_form(unit[0]) for unit in parsed.units if any(c.generated for c in unit)]
    should += [Terms("text", tuple(c.folded), boost=QUESTION_BOOST) for c in parsed.optional]
    should += [pair for pair in _pair_terms(parsed) if pair not in within]
    return Plan(must=must, should=should, must_not=[_match(c, exact=True) for c in parsed.negated])


def left_out_bonus(words: list[Word]) -> list[Terms]:
    """What words the fallback left out still add to the score: each of their syllables, where
    an article holds it (an article with "trồng thêm cây" for "trồng cây" is nearer the query
    than one with neither, though neither holds the word)."""
    syllables = dict.fromkeys(s for word in words for c in word.clauses if not c.prefix for s in c.folded)
    return [Terms("text", (syllable,), boost=LEFT_OUT_BOOST) for syllable in syllables]


def _required(word: Word, strict: bool) -> list[list[Terms]]:
    """What a document must hold for one word: one group (any of its alternatives), or for a
    word of syllables typed apart a group for each syllable and each pair of neighbours. The
    pairs score as the bonus of syllables side by side would (PAIR_BOOST), and so the
    syllables keep their own weights (the title's, BM25's), as a phrase query's would not."""
    if not word.joined:
        return [[_match(c, strict=strict) for c in word.clauses]]
    clause = word.clauses[0]
    syllables = [replace(clause, syllables=[syllable]) for syllable in clause.syllables]
    pairs = [Terms("pairs", pair, boost=PAIR_BOOST) for pair in zip(clause.folded, clause.folded[1:])]
    return [[_match(syllable, strict=strict)] for syllable in syllables] + [[pair] for pair in pairs]


def _field(clause: Clause) -> str:
    return "title" if clause.title_only else "text"


def _match(clause: Clause, strict: bool = False, exact: bool = False) -> Terms:
    """What a document must contain for the clause. `exact` (exclusions, and accented words in
    the OR fallback with `strict`) matches accents as typed: "-cá" excludes fish, not "ca"."""
    words = tuple(clause.syllables)
    if clause.prefix:
        return Terms(_field(clause), words, prefix=True)
    accented = any(has_accents(s) for s in clause.syllables)
    return Terms(_field(clause), words, exact=exact or (strict and accented))


def _bonus(clause: Clause) -> list[Terms]:
    """What adds to the score of a document that matched: the accents typed."""
    if clause.prefix or clause.generated or not any(has_accents(s) for s in clause.syllables):
        return []
    return [Terms(_field(clause), tuple(clause.syllables), exact=True, boost=EXACT_BOOST)]


def _typed_form(clause: Clause) -> Terms:
    """The bonus of the form of an abbreviation (or full form) that the reader typed."""
    return Terms(_field(clause), tuple(clause.folded), boost=TYPED_FORM_BOOST)


def _pair_terms(parsed: ParsedQuery) -> list[Terms]:
    """Pairs of syllables typed one after the other (not across OR, prefix* or title:)."""
    pairs, run = [], []
    for unit in parsed.units + [[]]:
        clause = unit[0] if len(unit) == 1 else None
        if clause and clause.after_or:  # a run ends at an OR (and another starts after it)
            pairs += list(zip(run, run[1:]))
            run = []
        if clause and not clause.prefix and not clause.title_only:
            run += clause.folded
            continue
        pairs += list(zip(run, run[1:]))
        run = []
    return [Terms("pairs", pair, boost=PAIR_BOOST) for pair in dict.fromkeys(pairs)]
