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
import unicodedata
from collections import defaultdict
from pathlib import Path

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

# ---------------------------------------------------------------------------------------------
# The syllable inventory

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # ngang sắc huyền hỏi ngã nặng
STOP_TONES = ("\u0301", "\u0323")  # a syllable ending in p, t, c, ch takes only sắc or nặng
VOWELS = set("aăâeêioôơuưy")
HATTED = set("ăâêôơư")
# Written onsets; k, gh, ngh are the spellings of c, g, ng before i, e, ê (spelled below).
ONSETS = (
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
)
# Onsets that take a rhyme with the glide o/u (hoa, khuyên, thuê, xoay); labials never do.
GLIDE_ONSETS = {"", "ch", "d", "đ", "g", "h", "kh", "l", "n", "ng", "nh", "s", "t", "th", "tr", "x"}
RHYMES = [
    "a",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iu",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "ui",
    "uôi",
    "ưa",
    "ưi",
    "ươi",
    "ưu",
    "ươu",
    "iêu",
    "am",
    "an",
    "ang",
    "anh",
    "ap",
    "at",
    "ac",
    "ach",
    "ăm",
    "ăn",
    "ăng",
    "ăp",
    "ăt",
    "ăc",
    "âm",
    "ân",
    "âng",
    "âp",
    "ât",
    "âc",
    "em",
    "en",
    "eng",
    "ep",
    "et",
    "ec",
    "êm",
    "ên",
    "ênh",
    "êp",
    "êt",
    "êch",
    "im",
    "in",
    "inh",
    "ip",
    "it",
    "ich",
    "om",
    "on",
    "ong",
    "op",
    "ot",
    "oc",
    "ôm",
    "ôn",
    "ông",
    "ôp",
    "ôt",
    "ôc",
    "ơm",
    "ơn",
    "ơp",
    "ơt",
    "um",
    "un",
    "ung",
    "up",
    "ut",
    "uc",
    "ưn",
    "ưng",
    "ưt",
    "ưc",
    "iêm",
    "iên",
    "iêng",
    "iêp",
    "iêt",
    "iêc",
    "uôm",
    "uôn",
    "uông",
    "uôt",
    "uôc",
    "ươm",
    "ươn",
    "ương",
    "ươp",
    "ươt",
    "ươc",
]
GLIDE_RHYMES = [
    "oa",
    "oai",
    "oay",
    "oan",
    "oang",
    "oanh",
    "oat",
    "oac",
    "oach",
    "oăn",
    "oăng",
    "oăt",
    "oăc",
    "oe",
    "oen",
    "oet",
    "oeo",
    "uê",
    "uênh",
    "uêch",
    "uy",
    "uya",
    "uyu",
    "uyên",
    "uyêt",
    "uynh",
    "uych",
    "uyt",
    "uân",
    "uât",
    "uơ",
]
QU_RHYMES = ["uôc", "uên"]  # quốc, quên
STOPS = ("p", "t", "c", "ch")


def _tone_vowel(rhyme: str) -> int:
    """Index of the vowel that carries the tone mark (old style: hòa, thủy, as the index uses)."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    hatted = [i for i in vowels if rhyme[i] in HATTED]
    if hatted:
        return hatted[-1]  # ươ, uô, iê, uyê: the second; ưu: ư
    if rhyme[-1] not in VOWELS:
        return vowels[-1]  # oan -> oán, uynh -> uýnh
    if len(vowels) == 3:
        return vowels[1]  # oái, khuỷu, ngoẹo
    return vowels[0]  # ai, ao, ia, ua, oa, oe, uy


def _spell(onset: str, rhyme: str) -> str | None:
    """The written syllable of an onset and a rhyme (no tone), or None where it is not spelled."""
    front = rhyme[0] in "ieêy"
    if onset == "qu":
        if rhyme in ("uya", "uyu") or rhyme not in GLIDE_RHYMES + QU_RHYMES:
            return None
        return "qu" + rhyme[1:]  # qua, quê, quý, quyền, quốc
    if rhyme[0] in "ou" and rhyme in GLIDE_RHYMES and onset not in GLIDE_ONSETS:
        return None
    if onset == "c":
        if rhyme in GLIDE_RHYMES:
            return None  # written qu
        return ("k" if front else "c") + rhyme
    if onset in ("g", "ng"):
        return onset + ("h" if front else "") + rhyme
    if onset == "gi":
        if rhyme in GLIDE_RHYMES or rhyme in ("ia", "iu", "iêu"):
            return None
        return "g" + rhyme if rhyme[0] == "i" else "gi" + rhyme  # gìn, giếng; già, giữ
    if onset == "" and rhyme.startswith("iê"):
        return "y" + rhyme[1:]  # yên, yêu
    return onset + rhyme


def _toned_syllables():
    """(syllable, onset, rhyme, tone) for every spelled syllable with every tone it can take."""
    for onset in ONSETS:
        for rhyme in RHYMES + GLIDE_RHYMES + (QU_RHYMES if onset == "qu" else []):
            spelled = _spell(onset, rhyme)
            if spelled is None:
                continue
            # the tone sits on the rhyme's vowel; after qu the rhyme has lost its glide letter
            toned = rhyme[1:] if onset == "qu" else rhyme
            position = len(spelled) - len(toned) + _tone_vowel(toned)
            tones = STOP_TONES if spelled.endswith(STOPS) else TONES
            for tone in tones:
                text = spelled[: position + 1] + tone + spelled[position + 1 :]
                yield unicodedata.normalize("NFC", text), onset, rhyme, tone


def syllable_inventory() -> list[str]:
    """Every written Vietnamese syllable of these onsets and rhymes with each tone it can take,
    NFC, lower case, sorted (about 14,000; the language uses about half of them)."""
    return sorted({syllable for syllable, *_ in _toned_syllables()})


# How common onsets, rhymes and tones are, roughly (unlisted: 1): a syllable's prior weight is
# their product, times a random factor, so some syllables make many words and most make few.
ONSET_WEIGHT = {
    "": 5,
    "b": 4,
    "c": 6,
    "ch": 5,
    "d": 4,
    "đ": 6,
    "g": 2,
    "gi": 3,
    "h": 6,
    "kh": 4,
    "l": 6,
    "m": 5,
    "n": 4,
    "ng": 4,
    "nh": 5,
    "ph": 4,
    "qu": 4,
    "r": 2,
    "s": 4,
    "t": 7,
    "th": 8,
    "tr": 6,
    "v": 5,
    "x": 3,
}
COMMON_RHYMES = set(
    [
        "a",
        "ai",
        "an",
        "ang",
        "anh",
        "ao",
        "at",
        "ac",
        "ach",
        "âm",
        "ân",
        "ât",
        "âu",
        "ây",
        "e",
        "ê",
        "ên",
        "ênh",
        "ết",
        "i",
        "in",
        "inh",
        "it",
        "ich",
        "iên",
        "iêt",
        "iêu",
        "o",
        "oi",
        "on",
        "ong",
        "ôi",
        "ông",
        "ơi",
        "u",
        "ung",
        "uc",
        "ư",
        "ưa",
        "ương",
        "ươc",
        "ươi",
        "uôn",
        "uông",
        "uôc",
        "uôi",
        "oa",
        "oai",
        "oan",
        "oang",
        "oat",
        "uy",
        "uyên",
        "uyêt",
        "uân",
        "ưng",
        "ưc",
        "ơn",
        "ay",
        "am",
        "ao",
    ]
)
RARE_RHYMES = set(
    [
        "ăp",
        "eng",
        "ec",
        "ưt",
        "ươu",
        "uych",
        "uyu",
        "oăc",
        "oăt",
        "oeo",
        "uêch",
        "uênh",
        "ơp",
        "ôp",
        "ưi",
        "iêp",
        "ươp",
        "uya",
        "ươm",
        "uôm",
        "iêc",
        "uơ",
        "uynh",
        "oach",
        "ăc",
    ]
)
TONE_WEIGHT = {"": 30, "\u0300": 20, "\u0301": 22, "\u0309": 10, "\u0303": 5, "\u0323": 13}


def syllable_weights(rng: random.Random) -> dict[str, float]:
    """Each syllable of the inventory -> its weight in making words (sorted by syllable)."""
    weights: dict[str, float] = defaultdict(float)
    for syllable, onset, rhyme, tone in _toned_syllables():
        rhyme_weight = 4 if rhyme in COMMON_RHYMES else 0.2 if rhyme in RARE_RHYMES else 1
        weights[syllable] += ONSET_WEIGHT[onset] * rhyme_weight * TONE_WEIGHT[tone]
    return {s: w * rng.lognormvariate(0, 1.2) for s, w in sorted(weights.items())}


# ---------------------------------------------------------------------------------------------
# Words

# Function words (and the commonest adverbs and verbs that every kind of story uses), most
# frequent first; used with a Zipf distribution over this order.
FUNCTION_WORDS = [
    "của",
    "và",
    "là",
    "các",
    "những",
    "được",
    "cho",
    "với",
    "trong",
    "đã",
    "này",
    "người",
    "có",
    "không",
    "một",
    "về",
    "khi",
    "từ",
    "để",
    "theo",
    "tại",
    "năm",
    "ngày",
    "cũng",
    "đến",
    "sẽ",
    "như",
    "ra",
    "nhiều",
    "đó",
    "vào",
    "thì",
    "phải",
    "đang",
    "còn",
    "nhưng",
    "trên",
    "lại",
    "mà",
    "nên",
    "đi",
    "làm",
    "hơn",
    "tháng",
    "ông",
    "bà",
    "anh",
    "chị",
    "họ",
    "chúng",
    "tôi",
    "ta",
    "nó",
    "rất",
    "đều",
    "vẫn",
    "chỉ",
    "sau",
    "trước",
    "qua",
    "bị",
    "bởi",
    "vì",
    "nếu",
    "hay",
    "hoặc",
    "cùng",
    "giữa",
    "dưới",
    "ngoài",
    "rồi",
    "mới",
    "lớn",
    "nhỏ",
    "cao",
    "thấp",
    "vừa",
    "thêm",
    "luôn",
    "hết",
    "mỗi",
    "mọi",
    "nhau",
    "gì",
    "đây",
    "kia",
    "ấy",
    "thế",
    "vậy",
    "nào",
    "sao",
    "bao",
    "đâu",
    "ai",
    "cả",
    "nữa",
    "chưa",
    "đừng",
    "hãy",
    "vẫn",
    "tuy",
    "song",
]
FUNCTION_WORDS = list(dict.fromkeys(FUNCTION_WORDS))
FAMILY = [
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1.5),
    ("Ngô", 1.5),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 1),
    ("Lương", 0.7),
    ("Trịnh", 0.7),
    ("Mai", 0.5),
    ("Cao", 0.5),
    ("Tạ", 0.4),
    ("Hà", 0.6),
    ("Vương", 0.4),
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thanh",
    "Ngọc",
    "Quang",
    "Xuân",
    "Thu",
    "Hồng",
    "Kim",
    "Anh",
    "Công",
    "Đình",
    "Trọng",
    "Bá",
    "Quốc",
    "Hoài",
    "Mạnh",
    "Thành",
    "Tuấn",
    "Phương",
    "Hải",
    "Gia",
    "Bảo",
    "Khánh",
    "Như",
    "Thùy",
    "Diệu",
    "Tiến",
    "Duy",
    "Việt",
    "Hoàng",
    "Trung",
    "Huy",
    "Thế",
    "Mỹ",
    "Lan",
]
UNITS = ["%", "tỷ", "triệu", "nghìn", "km", "ha", "tấn", "lần", "giờ", "phút", "tuổi"]


def _zipf_cumulative(count: int, exponent: float, offset: float = 0.0) -> list[float]:
    return list(itertools.accumulate((rank + offset) ** -exponent for rank in range(1, count + 1)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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

    def _number(self, rng: random.Random, words) -> str:
        """A date, a year, or a number with a unit or one of the page's words."""
        kind = rng.random()
        if kind < 0.3:
            return f"ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}"
        if kind < 0.45:
            return f"năm {rng.randint(1975, 2025)}"
        if kind < 0.75:
            return f"{rng.randint(2, 950)} {rng.choice(UNITS)}"
        return f"{rng.randint(2, 950)} {next(words)}"

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
                out.append(self._number(rng, words))
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

    def _popular(self, site: int) -> list[str]:
        if site not in self._site_popular:
            rng = random.Random(f"{self.seed}/site/{site}")
            if self.dense:
                titles = [_dense_title(rng, self.chain) for _ in range(SITE_POPULAR)]
            else:
                titles = [self._title(rng, self._topics(rng)) for _ in range(SITE_POPULAR)]
            self._site_popular[site] = titles
        return self._site_popular[site]

    def page(self, number: int, version: int = 0) -> tuple[str, str]:
        """(site folder, text) of page `number`; another `version` is an edited page."""
        site = number % SITES
        if self.dense:  # the old generator's pages, byte for byte
            lines, rng = _dense_page(self.chain, self.seed, number, version)
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
        from search.corpus import read_documents
        from search.extract import extract

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
