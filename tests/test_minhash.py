"""An article's MinHash signature made in C (search/minhash.pyx) as stories.py makes it in
numpy.

The build compiles it (setup.py); the suite checks it was, and that both give the same
signature, value for value, or both none, on real-looking texts, on texts too short or too
repetitive to sign, and on random word lists that repeat shingles. stories.minhash is checked
against datasketch itself (its doctest), so the C signature is datasketch's too.
"""

import numpy as np
import pytest

from search import stories
from search.analysis import exact_and_folded

try:
    from search import minhash as compiled
except ImportError:  # (the first test fails; the others have nothing to compare)
    compiled = None
compiled_only = pytest.mark.skipif(compiled is None, reason="search/minhash.pyx was not compiled")


def both(words: tuple[str, ...]):
    made = np.empty(stories.PERMUTATIONS, dtype=np.uint32)
    args = (
        stories._HASHES,
        stories._MULTIPLIERS,
        stories.SAMPLE,
        stories.MIN_SHINGLES,
        stories._A,
        stories._B,
    )
    return (made if compiled.fill_signature(words, *args, made) else None), stories._numpy_signature(words)


def same(words: tuple[str, ...]) -> bool:
    made, expected = both(words)
    if made is None or expected is None:
        return made is None and expected is None
    return made.dtype == expected.dtype and bool((made == expected).all())


def test_the_build_compiled_the_signature():
    assert compiled is not None, "search/minhash.pyx was not compiled (a C compiler is needed)"
    assert stories.fill_signature is compiled.fill_signature


ARTICLE = (
    "Việt Nam và Nhật Bản tăng cường hợp tác kinh tế. Hai nước ký thỏa thuận hợp tác về năng "
    "lượng, các đối tác cam kết đầu tư vào điện gió ngoài khơi và hydro xanh trong mười năm tới. "
) * 3


@compiled_only
@pytest.mark.parametrize(
    "text",
    [ARTICLE, ARTICLE.upper(), "", "một", "một hai", "một hai ba", "lặp " * 500, ARTICLE[:120]],
)
def test_the_same_signature_as_numpy(text):
    assert same(exact_and_folded(text)[0])


@compiled_only
def test_a_text_long_enough_is_signed_and_a_repetitive_one_is_not():
    made, _ = both(exact_and_folded(ARTICLE)[0])
    assert made is not None and len(made) == stories.PERMUTATIONS
    assert both(exact_and_folded("lặp " * 500)[0]) == (None, None)


@compiled_only
def test_random_word_lists_give_the_same_signature():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    vocabulary = st.sampled_from(["hợp", "tác", "kinh", "tế", "nga", "việt", "nam", "2024", "a", "đ"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.one_of(vocabulary, st.text(min_size=1, max_size=4)), max_size=400))
    def check(words):
        assert same(tuple(words))

    check()


@compiled_only
def test_bad_arguments_are_refused():
    made = np.empty(stories.PERMUTATIONS, dtype=np.uint32)
    args = [stories._MULTIPLIERS, stories.SAMPLE, stories.MIN_SHINGLES, stories._A, stories._B, made]
    with pytest.raises(TypeError):
        compiled.fill_signature(("a",) * 50, [], *args)
    with pytest.raises(ValueError):
        compiled.fill_signature(("a",) * 50, {}, *args[:4], stories._B[:3], made)
    for sample, least in ((0, 8), (4, 0)):
        with pytest.raises(ValueError):
            compiled.fill_signature(("a",) * 50, {}, stories._MULTIPLIERS, sample, least, *args[3:])
    with pytest.raises(TypeError):
        compiled.fill_signature(None, {}, *args)
