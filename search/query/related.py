"""An article -> the closest other stories ("find similar"), by the article's distinctive words.

Lucene's MoreLikeThis, for syllables: the article's pairs of neighbouring syllables ("hợp tác",
"St Petersburg") are weighed by their count in it, their rarity in the index (tf x idf, from
the engine's own document frequencies) and how much they are a word (segment.bond); the
MAX_TERMS strongest make one plan that any of them may match, each adding its weight, run on
the engine's pair postings (short lists: no snippets, no re-ranking, a few milliseconds). The
article's own story (itself and its copies) is left out, copies of the others too (a story is
found once), and hits within CLOSE of each other's score come newest first: of two equally near
stories, the reader wants the latest.
"""

import html
import math
from collections import Counter

from search.analysis import PAIR_JOINER, forms
from search.query.collapse import story_of
from search.query.plan import Plan, Terms
from search.query.results import Hit
from search.query.segment import bond

RELATED = 5
MAX_TERMS = 12
MIN_COUNT = 2  # a pair the article says once is as likely chance as subject
CLOSE = 0.9  # scores at least this share of the one before are "close"
MAX_OWN_COPIES = 1000
MAX_HITS = 4 * MAX_OWN_COPIES  # read to find `count` other stories, at most


def related(searcher, doc_id: str, count: int = RELATED) -> list[Hit] | None:
    """The `count` stories nearest the article (None: no such article)."""
    article = searcher.article(doc_id)
    if article is None:
        return None
    story = article.story or article.doc_id
    own = 1 + len(searcher.copies(story, limit=MAX_OWN_COPIES))  # articles of its story
    pairs = distinctive_pairs(searcher, f"{article.title}\n{article.title}\n{article.body}", own)
    if not pairs:
        return []
    # Any of the pairs, each adding its weight; a story found once, at its best hit.
    terms = [Terms("pairs", tuple(pair.split(PAIR_JOINER)), boost=weight) for pair, weight in pairs]
    plan = Plan(must=[terms], limit=count + own + 1)
    while True:
        found = searcher.search(plan).hits
        hits, seen = [], {story}
        for score, handle in found:
            stored = searcher.stored(handle)
            if story_of(stored) not in seen:
                seen.add(story_of(stored))
                hits.append(_hit(score, stored))
        # (other stories' copies take places too: more, while there may be more stories)
        if len(hits) > count or len(found) < plan.limit or plan.limit >= MAX_HITS:
            break
        plan.limit *= 2
    return _newest_among_close(hits[: count + 1])[:count]


def _hit(score: float, stored) -> Hit:
    title = html.escape(stored.title)
    return Hit(
        id=stored.doc_id,
        path=stored.path,
        title=stored.title,
        title_html=title,
        snippet="",
        score=score,
        date=stored.date,
        site=stored.site,
        url=stored.url,
    )


def distinctive_pairs(searcher, text: str, own: int = 1) -> list[tuple[str, float]]:
    """The text's MAX_TERMS pairs of neighbouring syllables (folded, "hop_tac") with the
    highest tf x idf x bond, and those weights. The bond (how tightly the index binds the two
    syllables, segment.bond) keeps words ("hợp tác", "St Petersburg") and leaves the seams
    between words ("về các"); a pair found only in the article's own story (`own` articles)
    relates it to nothing."""
    folded = [f for _, f in forms(text)]
    counts = Counter(map(PAIR_JOINER.join, zip(folded, folded[1:])))
    total = max(1, searcher.doc_count())
    weighed = []
    for pair, tf in counts.items():
        if tf < MIN_COUNT:
            continue
        df = searcher.doc_frequency("pairs", pair)
        if own < df < total:  # in another story, and not in every article (idf weighs the rest)
            first, second = pair.split(PAIR_JOINER)
            weighed.append((tf * math.log(total / df) * bond(searcher, first, second), pair))
    weighed.sort(reverse=True)
    return [(pair, weight) for weight, pair in weighed[:MAX_TERMS]]


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
