"""Deterministic synthetic corpora of Vietnamese news-like text dumps.

Two generators, one page shape (a title, a photo caption, about 6.8 kB of article text, then a
navigation tail like the seeds': related titles, most-read teasers shared by a site's pages,
`[Video]` lines with image links), 20 sites in one folder each:

- the default, **archive-like** corpus: a full Vietnamese syllable inventory (onsets x rhymes x
  tones, spelled by Vietnamese rules) feeds a pool of words; a few hundred topics each use their
  own vocabulary with a Zipf distribution; every page is about 1-3 topics, with function words,
  people's names and numbers mixed in. Common pairs of syllables are common within a topic, not
  across the whole corpus, as in a real archive.
- the **dense** corpus (`dense=True`): the old syllable bigram chain learned from the seeds'
  article text (871 syllables; common pairs appear in most pages), an unrealistic worst case
  for an index.

Page `number` depends only on (seed, number, version), so any page can be regenerated, or edited
(another `version`: same site and topics, new text) for the update benchmark.
"""

import itertools
import os
import random
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench.syllables import FAMILY, FUNCTION_WORDS, MIDDLE, UNITS, syllable_inventory, syllable_weights

SITES = 20
# The seeds' pages average 6.8 kB of article text; so do these.
BODY_BYTES = 6800
TOPICS = 300
POOL_WORDS = 60_000  # the language's content words, from which topics take their vocabularies
TOPIC_WORDS = 800  # words of one topic's vocabulary
# A topic's word of rank r is used in proportion to (r + 8)^-1.1 (Zipf-Mandelbrot): its first
# word is 3% of the content words of a page about it, not 19% as with r^-1.1.
TOPIC_ZIPF = 1.1
TOPIC_OFFSET = 8
FUNCTION_SHARE = 0.36  # of the words of a sentence
SITE_POPULAR = 30  # most-read titles a site shows, 4 of them on each page
COPY_CHANGES = 0.05  # of a syndicated copy's words, changed by the site that runs it


def _zipf_cumulative(count: int, exponent: float, offset: float = 0.0) -> list[float]:
    return list(itertools.accumulate((rank + offset) ** -exponent for rank in range(1, count + 1)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def number_phrase(rng: random.Random, word: Callable[[], str]) -> str:
    """A date, a year, or a number with a unit or with `word()`, one of the page's words."""
    kind = rng.random()
    if kind < 0.3:
        return f"ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}"
    if kind < 0.45:
        return f"năm {rng.randint(1975, 2025)}"
    if kind < 0.75:
        return f"{rng.randint(2, 950)} {rng.choice(UNITS)}"
    return f"{rng.randint(2, 950)} {word()}"


class Generator:
    """Pages of one corpus: `page(number, version)` -> (site folder, text)."""

    def __init__(self, seeds_dir: str | Path = "seeds", seed: int = 1, dense: bool = False):
        self.seed = seed
        self.dense = dense
        self._site_popular: dict[int, list[str]] = {}
        if dense:
            self.chain = Chain(seeds_dir)
            return
        rng = random.Random(f"{seed}/language")
        self.syllables = syllable_inventory()
        prior = syllable_weights(rng)
        order = list(prior)
        syllable_cw = list(itertools.accumulate(prior.values()))
        pool: dict[str, None] = {}
        while len(pool) < POOL_WORDS:
            size = rng.choices((1, 2, 3), cum_weights=(18, 88, 100))[0]
            pool[" ".join(rng.choices(order, cum_weights=syllable_cw, k=size))] = None
        self.pool = list(pool)
        # Topics: their own vocabularies from the pool, ranked; a few are more popular.
        self.topic_words = [rng.sample(self.pool, TOPIC_WORDS) for _ in range(TOPICS)]
        self.topic_cw = _zipf_cumulative(TOPICS, 0.3)
        self._topic_weights = [(rank + TOPIC_OFFSET) ** -TOPIC_ZIPF for rank in range(1, TOPIC_WORDS + 1)]
        self._function_weights = [(rank + 2) ** -1.0 for rank in range(1, len(FUNCTION_WORDS) + 1)]
        total = sum(self._function_weights)
        self._function_weights = [w / total for w in self._function_weights]
        total = sum(self._topic_weights)
        self._topic_weights = [w / total for w in self._topic_weights]
        self._family_cw = list(itertools.accumulate(weight for _, weight in FAMILY))
        self._middle_cw = _zipf_cumulative(len(MIDDLE), 0.4)
        self._given = [_capital(s) for s in self.syllables[::3]]

    # -- the archive-like generator -----------------------------------------------------------

    def _topics(self, rng: random.Random) -> list[int]:
        count = rng.choices((1, 2, 3), cum_weights=(35, 80, 100))[0]
        topics = []
        while len(topics) < count:
            topic = rng.choices(range(TOPICS), cum_weights=self.topic_cw)[0]
            if topic not in topics:
                topics.append(topic)
        return topics

    def _person(self, rng: random.Random) -> str:
        family = FAMILY[rng.choices(range(len(FAMILY)), cum_weights=self._family_cw)[0]][0]
        given = rng.choice(self._given)
        if rng.random() < 0.15:
            return f"{family} {given}"
        middle = MIDDLE[rng.choices(range(len(MIDDLE)), cum_weights=self._middle_cw)[0]]
        return f"{family} {middle} {given}"

    def _words(self, topics: list[int], rng: random.Random, function_share: float):
        """An endless stream of the page's words: its topics' words and function words."""
        shares = [0.65, 0.25, 0.1][: len(topics)]
        scale = (1 - function_share) / sum(shares)
        population = FUNCTION_WORDS + [w for t in topics for w in self.topic_words[t]]
        weights = [w * function_share for w in self._function_weights]
        for share in shares:
            weights += [w * share * scale for w in self._topic_weights]
        cw = list(itertools.accumulate(weights))
        while True:
            yield from rng.choices(population, cum_weights=cw, k=512)

    def _sentence(self, rng: random.Random, words, cast: list[str], length: int) -> str:
        """`length` words of the stream, with people of the page's cast, numbers and commas."""
        out = []
        for _ in range(length):
            word = next(words)
            if out and word == out[-1]:
                word = next(words)  # "của của"
            out.append(word)
            extra = rng.random()
            if extra < 0.015 and cast:
                out.append(f"{rng.choice(('ông', 'bà', 'anh', 'chị'))} {rng.choice(cast)}")
            elif extra < 0.03:
                out.append(number_phrase(rng, lambda: next(words)))
            elif extra < 0.075 and len(out) > 2:
                out[-1] += ","
        text = " ".join(out).rstrip(",")
        return _capital(text) + "."

    def _title(self, rng: random.Random, topics: list[int]) -> str:
        words = self._words(topics[:1], rng, 0.2)
        return _capital(" ".join(next(words) for _ in range(rng.randint(6, 11))))

    def _page(self, number: int, version: int) -> list[str]:
        topic_rng = random.Random(f"{self.seed}/{number}")  # the same topics in every version
        topics = self._topics(topic_rng)
        cast = [self._person(topic_rng) for _ in range(topic_rng.choice((0, 1, 1, 2, 2, 3)))]
        rng = random.Random(f"{self.seed}/{number}/{version}")
        words = self._words(topics, rng, FUNCTION_SHARE)
        lines = [
            self._title(rng, topics),
            "![]() |",
            f"| {self._sentence(rng, words, cast, rng.randint(8, 16))} |",
        ]
        size = 0
        while size < BODY_BYTES:
            paragraph = " ".join(
                self._sentence(rng, words, cast, rng.randint(10, 30)) for _ in range(rng.randint(2, 5))
            )
            lines.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
        related = [
            self._title(rng, self._topics(rng)[:1] if rng.random() < 0.3 else topics) for _ in range(3)
        ]
        lines += ["Tin bài liên quan", ""] + related
        return lines

    def _copy(self, original: int, number: int) -> list[str]:
        """Page `original` as another site runs it: its title and story with a few words
        changed, a lead and a closing paragraph of its own, the original's navigation left out."""
        rng = random.Random(f"{self.seed}/{number}/copy-text")
        lines = self._page(original, 0)
        story = lines[: lines.index("Tin bài liên quan")]
        words = self._words(self._topics(random.Random(f"{self.seed}/{original}")), rng, FUNCTION_SHARE)
        changed = [
            " ".join(next(words) if rng.random() < COPY_CHANGES else word for word in line.split(" "))
            for line in story
        ]
        lead, tail = (
            " ".join(self._sentence(rng, words, [], rng.randint(12, 24)) for _ in range(2)) for _ in "lt"
        )
        return [changed[0], lead, *changed[1:], tail]

    def _popular(self, site: int) -> list[str]:
        if site not in self._site_popular:
            rng = random.Random(f"{self.seed}/site/{site}")
            if self.dense:
                titles = [_dense_title(rng, self.chain) for _ in range(SITE_POPULAR)]
            else:
                titles = [self._title(rng, self._topics(rng)) for _ in range(SITE_POPULAR)]
            self._site_popular[site] = titles
        return self._site_popular[site]

    def original_of(self, number: int, copies: float) -> int | None:
        """The page that page `number` is a syndicated copy of, when it is one (a share
        `copies` of the pages are; never the first ones, never a copy of a copy)."""
        rng = random.Random(f"{self.seed}/{number}/copy")
        if number < 10 or rng.random() >= copies:
            return None
        while True:
            original = rng.randrange(number)
            if self.original_of(original, copies) is None:
                return original

    def page(self, number: int, version: int = 0, copies: float = 0.0) -> tuple[str, str]:
        """(site folder, text) of page `number`; another `version` is an edited page. With
        `copies`, that share of the pages are syndicated copies of earlier ones (original_of):
        on their own site, with a new lead and tail, and COPY_CHANGES of the words changed."""
        site = number % SITES
        original = self.original_of(number, copies) if copies else None
        if self.dense:  # the old generator's pages, byte for byte
            lines, rng = _dense_page(self.chain, self.seed, number, version)
        elif original is not None:
            lines = self._copy(original, number)
            rng = random.Random(f"{self.seed}/{number}/{version}/tail")
        else:
            lines = self._page(number, version)
            rng = random.Random(f"{self.seed}/{number}/{version}/tail")
        popular = self._popular(site)
        lines += ["Đọc nhiều", ""] + rng.sample(popular, 4)
        lines += ["Multimedia"]
        for teaser in rng.sample(popular, 3):
            lines += [
                f"![[Video] {teaser}](https://site{site}.example/v/{rng.randint(1, 10**6)}.jpg)",
                f"[Video] {teaser}",
            ]
        return f"site-{site:02d}", "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The dense generator: a syllable bigram chain of the seeds' article text

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SYLLABLE = re.compile(r"[^\W\d_]+")
DENSE_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]


class Chain:
    """Syllable bigram statistics of the seeds' article text."""

    def __init__(self, seeds_dir: str | Path):
        from search.extract import extract
        from search.sources.folders import read_documents

        self.next = defaultdict(list)
        self.starts = []
        texts = [a.text for d in read_documents([seeds_dir]) if (a := extract(d))]
        for text in texts:
            if sum(not c.isascii() for c in text) < 0.05 * len(text):
                continue  # the English seed: this corpus is Vietnamese
            for sentence in _SENTENCE.split(text):
                words = _SYLLABLE.findall(sentence)
                if len(words) < 3:
                    continue
                self.starts.append(words[0])
                for first, second in zip(words, words[1:]):
                    self.next[first].append(second)
        self.vocabulary = sorted(self.next)

    def sentence(self, rng: random.Random, length: int) -> str:
        word = rng.choice(self.starts)
        words = [word]
        for _ in range(length - 1):
            options = self.next.get(word)
            word = rng.choice(options) if options and rng.random() < 0.9 else rng.choice(self.vocabulary)
            words.append(word)
        return " ".join(words)


def _dense_name(rng: random.Random, chain: Chain) -> str:
    middle = rng.choice(chain.vocabulary).capitalize()
    return f"{rng.choice(DENSE_FAMILY)} {middle} {rng.choice(chain.vocabulary).capitalize()}"


def _dense_prose(rng: random.Random, chain: Chain, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        sentence = chain.sentence(rng, rng.randint(12, 32))
        if rng.random() < 0.3:
            sentence += f", ông {_dense_name(rng, chain)} cho biết"
        if rng.random() < 0.2:
            sentence += f" với {rng.randint(2, 900)} {rng.choice(['tỷ đồng', 'người', 'dự án', '%'])}"
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def _dense_title(rng: random.Random, chain: Chain) -> str:
    title = chain.sentence(rng, rng.randint(9, 16))
    return title[0].upper() + title[1:]


def _dense_page(chain: Chain, seed: int, number: int, version: int) -> tuple[list[str], random.Random]:
    rng = random.Random(f"{seed}/{number}/{version}")
    lines = [_dense_title(rng, chain), "![]() |", f"| {_dense_prose(rng, chain, 1)} |"]
    size = 0
    while size < BODY_BYTES:
        paragraph = _dense_prose(rng, chain, rng.randint(2, 4))
        lines.append(paragraph)
        size += len(paragraph.encode("utf-8"))
    lines += ["Tin bài liên quan", ""] + [_dense_title(rng, chain) for _ in range(3)]
    return lines, rng


# ---------------------------------------------------------------------------------------------
# Writing a corpus


def corpus_dir(out: str | Path, count: int, dense: bool = False) -> Path:
    """bench/out/corpus-N, or corpus-dense-N."""
    return Path(out) / (f"corpus-dense-{count}" if dense else f"corpus-{count}")


def page_path(folder: str | Path, site: str, number: int) -> Path:
    return Path(folder) / site / f"{number:06d}.txt"


_WORKER: Generator | None = None


def _write_range(args) -> int:
    folder, numbers, dense, seeds_dir, seed = args
    global _WORKER
    if _WORKER is None or (_WORKER.dense, _WORKER.seed) != (dense, seed):
        _WORKER = Generator(seeds_dir, seed, dense)
    written = 0
    for number in numbers:
        path = page_path(folder, f"site-{number % SITES:02d}", number)
        if path.exists():
            written += path.stat().st_size
            continue
        site, text = _WORKER.page(number)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    return written


def write_corpus(
    folder: str | Path,
    count: int,
    dense: bool = False,
    seeds_dir: str | Path = "seeds",
    seed: int = 1,
    processes: int | None = None,
) -> int:
    """Write pages 0..count-1 under folder/site-NN/NNNNNN.txt (pages already there are kept);
    returns the corpus's bytes. Uses one process per core for large corpora."""
    folder = Path(folder)
    for site in range(SITES):
        (folder / f"site-{site:02d}").mkdir(parents=True, exist_ok=True)
    chunk = 1000
    jobs = [
        (folder, range(start, min(count, start + chunk)), dense, str(seeds_dir), seed)
        for start in range(0, count, chunk)
    ]
    processes = processes or min(len(jobs), os.cpu_count() or 1)
    if processes <= 1:
        return sum(map(_write_range, jobs))
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap_unordered(_write_range, jobs))
