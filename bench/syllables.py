"""The Vietnamese the synthetic pages are made of: syllables -> weighted words and names.

The full syllable inventory (onsets x rhymes x tones, spelled by Vietnamese rules), how common
each onset, rhyme and tone is, function words, family and middle names, units. bench/synthetic.py
draws pages from them.
"""

import random
import unicodedata
from collections import defaultdict

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
