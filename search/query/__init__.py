"""User text -> a ranked Page of Hits with highlighted snippets: query understanding, one way.

A query's path, one module a step:
1. parse.py      the syntax: words, "phrases", -exclusions, a OR b, title:word, prefix*
2. expand.py     abbreviations and their full forms as one word (rules: synonyms.py and
                 search/data/), question words made optional
3. segment.py    typed syllables grouped into the words the index writes side by side
4. plan.py       what must match, what adds to the score: the Plan the engines run
5. the engine    (search/engines/) the plan -> matching articles, best first
6. fallback.py   when none has every word: whole words left out, the least informative first
7. rerank.py     the first hits that hold the typed syllables in one run, raised
8. collapse.py   one hit a story (its best-ranked article), shown with its other articles
9. snippets.py   the hits' titles and snippets with the matched words marked
answer.py walks that path for one search; suggest.py adds "did you mean"; results.py holds the
records it answers with (Page, Hit, Notice).
"""

from search.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from search.query.answer import SORTS, article_marks, cut_notice, cut_query, search
from search.query.results import Copy, Hit, Notice, Page, TooDeep

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "SORTS",
    "Copy",
    "Hit",
    "Notice",
    "Page",
    "TooDeep",
    "article_marks",
    "cut_notice",
    "cut_query",
    "search",
]
