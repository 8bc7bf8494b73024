"""A deterministic synthetic corpus of Vietnamese news-like text dumps, from the seeds' statistics.

Article text is drawn from a syllable bigram chain learned from the seeds' article bodies, with
people's names and numbers mixed in; each page ends with a navigation tail shaped like the
seeds' (related lists, most-read teasers, [Video] lines with image links), partly shared across
the pages of its site so the template learner has something to find. Document i depends only on
(seed, i), so any one page can be regenerated (for the incremental-update benchmark).
"""

import random
import re
from collections import defaultdict
from pathlib import Path

from search.corpus import read_documents
from search.extract import extract

SITES = 20
# The seeds' pages average 6.8 kB of article text; so do these.
BODY_BYTES = 6800
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SYLLABLE = re.compile(r"[^\W\d_]+")


class Chain:
    """Syllable bigram statistics of the seeds' article text."""

    def __init__(self, seeds_dir: str | Path):
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


def _name(rng: random.Random, chain: Chain) -> str:
    middle = rng.choice(chain.vocabulary).capitalize()
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(chain.vocabulary).capitalize()}"


def _prose(rng: random.Random, chain: Chain, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        sentence = chain.sentence(rng, rng.randint(12, 32))
        if rng.random() < 0.3:
            sentence += f", ông {_name(rng, chain)} cho biết"
        if rng.random() < 0.2:
            sentence += f" với {rng.randint(2, 900)} {rng.choice(['tỷ đồng', 'người', 'dự án', '%'])}"
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def _title(rng: random.Random, chain: Chain) -> str:
    title = chain.sentence(rng, rng.randint(9, 16))
    return title[0].upper() + title[1:]


def page(chain: Chain, seed: int, number: int, version: int = 0) -> tuple[str, str]:
    """(site folder, text) of page `number`; another `version` is an edited page."""
    rng = random.Random(f"{seed}/{number}/{version}")
    site_rng = random.Random(f"{seed}/site/{number % SITES}")
    site_popular = [_title(site_rng, chain) for _ in range(30)]
    lines = [_title(rng, chain), "![]() |", f"| {_prose(rng, chain, 1)} |"]
    size = 0
    while size < BODY_BYTES:
        paragraph = _prose(rng, chain, rng.randint(2, 4))
        lines.append(paragraph)
        size += len(paragraph.encode("utf-8"))
    lines += ["Tin bài liên quan", ""] + [_title(rng, chain) for _ in range(3)]
    lines += ["Đọc nhiều", ""] + rng.sample(site_popular, 4)
    lines += ["Multimedia"]
    for teaser in rng.sample(site_popular, 3):
        lines += [f"![[Video] {teaser}](https://site{number % SITES}.example/v/{rng.randint(1, 10**6)}.jpg)",
                  f"[Video] {teaser}"]
    return f"site-{number % SITES:02d}", "\n".join(lines) + "\n"


def write_corpus(folder: str | Path, count: int, seeds_dir: str | Path = "seeds", seed: int = 1) -> int:
    """Write `count` pages under folder/site-NN/; returns the bytes written. Skips existing pages."""
    folder = Path(folder)
    chain = Chain(seeds_dir)
    written = 0
    for number in range(count):
        site, text = page(chain, seed, number)
        path = folder / site / f"{number:06d}.txt"
        if path.exists():
            written += path.stat().st_size
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    return written
