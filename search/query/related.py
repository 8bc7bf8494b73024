"""An article -> the closest other stories ("find similar"), by the article's distinctive words.

Lucene's MoreLikeThis, for syllables: the article's pairs of neighbouring syllables ("hợp tác",
"Nga") are weighed by their count in it times their rarity in the index (tf x idf, from the
engine's own document frequencies); the MAX_TERMS strongest, each a phrase, make one query that
any of them may match (search's `a OR b`), so related articles rank by how many of those
phrases they share and how rare they are. The article's own story (itself and its copies) is
left out, copies of the others are collapsed as in any search, and hits within CLOSE of each
other's score come newest first: of two equally near stories, the reader wants the latest.
"""

import math
from collections import Counter

from search.analysis import PAIR_JOINER, forms
from search.query.answer import search
from search.query.results import Hit
from search.query.segment import bond

RELATED = 5
MAX_TERMS = 12
MIN_COUNT = 2  # a pair the article says once is as likely chance as subject
CLOSE = 0.9  # scores at least this share of the one before are "close"
MAX_OWN_COPIES = 1000


def related(searcher, doc_id: str, count: int = RELATED) -> list[Hit] | None:
    """The `count` stories nearest the article (None: no such article)."""
    article = searcher.article(doc_id)
    if article is None:
        return None
    story = article.story or article.doc_id
    own = 1 + len(searcher.copies(story, limit=MAX_OWN_COPIES))  # articles of its story
    phrases = distinctive_phrases(searcher, f"{article.title}\n{article.title}\n{article.body}", own)
    if not phrases:
        return []
    query = " OR ".join(f'"{phrase}"' for phrase in phrases)
    found = search(searcher, query, limit=count + 1 + len(phrases) // 4, facets=False)
    hits = [hit for hit in found.results if hit.id != article.doc_id and hit.id != story]
    hits = [hit for hit in hits if all(copy.id != article.doc_id for copy in hit.copies)]
    return _newest_among_close(hits)[:count]


def distinctive_phrases(searcher, text: str, own: int = 1) -> list[str]:
    """The text's MAX_TERMS pairs of neighbouring syllables with the highest tf x idf x bond,
    as written in it (accents kept: the query ranks those spellings first). The bond (how
    tightly the index binds the two syllables, segment.bond) keeps words ("hợp tác", "St
    Petersburg") and leaves the seams between words ("về các"); a pair found only in the
    article's own story (`own` articles) relates it to nothing."""
    words = forms(text)
    counts = Counter(
        (first[1] + PAIR_JOINER + second[1], f"{first[0]} {second[0]}")
        for first, second in zip(words, words[1:])
    )
    total = max(1, searcher.doc_count())
    weighed = []
    for (pair, written), tf in counts.items():
        if tf < MIN_COUNT:
            continue
        df = searcher.doc_frequency("pairs", pair)
        if own < df < total:  # in another story, and not in every article (idf weighs the rest)
            first, second = pair.split(PAIR_JOINER)
            weighed.append((tf * math.log(total / df) * bond(searcher, first, second), written))
    weighed.sort(reverse=True)
    return [written for _, written in weighed[:MAX_TERMS]]


def _newest_among_close(hits: list[Hit]) -> list[Hit]:
    """Hits in runs of close scores, each run newest first."""
    runs: list[list[Hit]] = []
    for hit in hits:
        if runs and hit.score >= CLOSE * runs[-1][0].score:
            runs[-1].append(hit)
        else:
            runs.append([hit])
    return [hit for run in runs for hit in sorted(run, key=_newest_first)]


def _newest_first(hit: Hit) -> float:
    return -hit.date.timestamp() if hit.date else math.inf
