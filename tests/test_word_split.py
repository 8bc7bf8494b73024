"""A text's words, their forms and its term streams made in C (search/word_split.pyx) as
analysis.py makes them in Python.

The build compiles it (setup.py); the suite checks it was, and that it agrees with the regular
expression on every code point alone and on texts mixing the scripts and marks that make words
awkward: Vietnamese in NFC and NFD, digits of other scripts, underscores, apostrophes, emoji.
"""

import pytest

from search import analysis
from search.analysis import _EXACT, _FOLDED, PAIR_JOINER, WORD, _found_forms, _joined_streams, _word_pattern

try:
    from search import word_split as compiled
except ImportError:  # (the first test fails; the others have nothing to compare)
    compiled = None
compiled_only = pytest.mark.skipif(compiled is None, reason="search/word_split.pyx was not compiled")
split_words = compiled and compiled.split_words


def test_the_build_compiled_the_word_split():
    assert compiled is not None, "search/word_split.pyx was not compiled (a C compiler is needed)"
    assert analysis.split_streams is compiled.split_streams
    assert analysis.split_forms is compiled.split_forms, (
        "search/word_split.pyx was not compiled (a C compiler is needed)"
    )


@compiled_only
def test_every_character_alone_is_a_word_or_not_as_the_regular_expression_says():
    for code in range(0x110000):
        text = chr(code)
        assert split_words(text) == WORD.findall(text), hex(code)


@compiled_only
@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hợp tác kinh tế Việt – Nhật, năm 2024!",
        "Hoà bình; uỷ ban",  # old-style tone marks
        "Ho\u0300a bi\u0300nh Zu\u0308rich",  # NFD: combining marks inside words
        "\u0301leading mark, trailing mark\u0301",
        "#Ho_Chi_Minh don't __init__ a_b",
        "٣٤ ２０２４ Ⅻ ² ½",  # digits and numbers of other scripts
        "tiếng Việt 😀中文한국어 ไทย",
        "\ud800 lone surrogate",
        "x" * 10_000,
    ],
)
def test_awkward_texts_give_the_same_words_and_forms(text):
    assert split_words(text) == WORD.findall(text) == _word_pattern(text).findall(text)
    forms = compiled.split_forms(text, _EXACT, _FOLDED)
    assert forms == _found_forms(text, _EXACT, _FOLDED)
    assert compiled.split_streams(*forms, PAIR_JOINER) == _joined_streams(*forms, PAIR_JOINER)


@compiled_only
def test_each_pair_comes_once_first_met_first():
    words = ("hop", "tac", "hop", "tac", "nga", "hop", "tac", "tac", "tac")
    streams = compiled.split_streams(words, words, "_")
    assert streams == (" ".join(words), "", "hop_tac tac_hop tac_nga nga_hop tac_tac")
    assert streams == _joined_streams(words, words, "_")


@compiled_only
def test_pair_streams_are_strings_like_any_other():
    # each stream's kind is the narrowest its characters allow: equal to the same text made
    # in Python, and hashed alike
    for words in [("a", "b"), ("é", "b"), ("đa", "b"), ("😀", "b", "😀"), ("a", "é", "đ", "😀", "a")]:
        made = compiled.split_streams(words, words, "_")[2]
        expected = _joined_streams(words, words, "_")[2]
        assert made == expected and hash(made) == hash(expected) and {made: 1}[expected] == 1
    with pytest.raises(ValueError):
        compiled.split_streams(("a",), ("a", "b"), "_")
    with pytest.raises(TypeError):
        compiled.split_streams((1, 2), (1, 2), "_")


@compiled_only
def test_a_form_not_held_yet_is_made_and_a_missing_one_raises():
    made = []

    class Forms(dict):
        def __missing__(self, word):
            made.append(word)
            self[word] = word.upper()
            return self[word]

    assert compiled.split_forms("a b a", Forms(), Forms(b="B")) == (("A", "B", "A"), ("A", "B", "A"))
    assert made == ["a", "a", "b"]  # once a mapping ("b" was held in the second)
    with pytest.raises(KeyError):
        compiled.split_forms("c", {}, {})
    with pytest.raises(TypeError):
        compiled.split_forms("c", [], {})


@compiled_only
def test_any_text_gives_the_same_words():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    letters = st.sampled_from("aăâđeêioôơuưyAĐ_ '-.0\u0300\u0301\u0303\u0309\u0323ợữ½٣中😀\n")

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=st.one_of(letters, st.characters()), max_size=40))
    def check(text):
        assert split_words(text) == WORD.findall(text)
        forms = compiled.split_forms(text, _EXACT, _FOLDED)
        assert compiled.split_streams(*forms, PAIR_JOINER) == _joined_streams(*forms, PAIR_JOINER)

    check()


@compiled_only
def test_the_compiled_modules_examples_hold():
    import doctest

    from search import minhash

    for module in (compiled, minhash):
        assert doctest.testmod(module).failed == 0


@compiled_only
def test_none_is_refused_not_read():
    with pytest.raises(TypeError):
        split_words(None)
    with pytest.raises(TypeError):
        compiled.split_forms(None, {}, {})
    with pytest.raises(TypeError):
        compiled.split_streams(("a",), ("a",), None)
