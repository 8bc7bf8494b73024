"""The tantivy engine's stored articles: article JSON -> zstd frames (a dictionary trained on
the index's own first articles) -> article JSON.

tantivy's store packs blocks of documents with LZ4: 1.7x on the bench's archive, where zstd
packs one article alone 2.3x, and 3x with a dictionary of what articles share (the words of
the language, the JSON's keys, a site's phrasing; 3.1x at level 5). The store was 41% of the
index at a million articles.

The dictionary is trained once per index, on its first TRAINING_ARTICLES (or on all it holds
at a commit, if at least MIN_TRAINING_ARTICLES), and written to the index folder before any
frame that needs it. Articles committed before there are enough to train on are stored as
plain zstd frames. A frame names its dictionary's id (0: none), so readers tell which
decompressor it needs.
"""

import threading
from pathlib import Path

import zstandard

from search.generations import write_atomically

DICTIONARY = "store.zdict"
TRAINING_ARTICLES = 2000  # 0.6 s to train; 5,000 gain 1%
MIN_TRAINING_ARTICLES = 100  # zstd cannot train a useful dictionary on fewer
DICTIONARY_BYTES = 256 * 1024  # 4% tighter than 64 KB, at the same speed
LEVEL = 4  # 1% tighter than 3 at the same 40 us an article; 5 packs 2.7% tighter, at 75 us


class Packer:
    """Compresses one writer's articles: with the index's dictionary once it has one, else as
    plain zstd frames. Until then (`ready` False) the writer holds articles back for train()."""

    def __init__(self, folder: Path):
        self._path = Path(folder) / DICTIONARY
        self._plain = zstandard.ZstdCompressor(level=LEVEL)
        self._compressor = _compressor(self._path.read_bytes()) if self._path.exists() else None
        self._gave_up = False  # zstd could not train on this writer's articles

    @property
    def ready(self) -> bool:
        return self._compressor is not None or self._gave_up

    def train(self, samples: list[bytes]) -> bool:
        """Train the index's dictionary on these articles and write it (synced) before anything
        compressed with it is added; False when they are too few to train on."""
        if len(samples) < MIN_TRAINING_ARTICLES:
            return False
        try:
            data = zstandard.train_dictionary(DICTIONARY_BYTES, samples).as_bytes()
        except zstandard.ZstdError:  # too uniform text to learn from: plain frames
            self._gave_up = True
            return False
        write_atomically(self._path, data)  # synced: a frame must never outlive its dictionary
        self._compressor = _compressor(data)
        return True

    def pack(self, article: bytes) -> bytes:
        return (self._compressor or self._plain).compress(article)


class Unpacker:
    """Decompresses stored articles, from any thread (zstd's contexts are not shared between
    threads). An article stored as plain JSON is returned as it is."""

    def __init__(self, folder: Path):
        self._path = Path(folder) / DICTIONARY
        self._dictionary: zstandard.ZstdCompressionDict | None = None
        self._local = threading.local()

    def unpack(self, stored: bytes) -> bytes:
        if stored[:1] == b"{":
            return stored
        needed = zstandard.get_frame_parameters(stored).dict_id
        decompressor = self._decompressor(needed != 0)
        if needed and needed != self._dictionary.dict_id():
            raise ValueError(
                f"a stored article needs zstd dictionary {needed}, but {self._path} is "
                f"{self._dictionary.dict_id()}: rebuild the index (search index --rebuild)"
            )
        return decompressor.decompress(stored)

    def _decompressor(self, with_dictionary: bool) -> zstandard.ZstdDecompressor:
        key = "dictionary" if with_dictionary else "plain"
        found = getattr(self._local, key, None)
        if found is None:
            if with_dictionary and self._dictionary is None:
                # Read when first needed: a searcher may open before the first commit.
                try:
                    self._dictionary = zstandard.ZstdCompressionDict(self._path.read_bytes())
                except FileNotFoundError:
                    raise ValueError(
                        f"{self._path} is missing: rebuild the index (search index --rebuild)"
                    ) from None
            found = zstandard.ZstdDecompressor(dict_data=self._dictionary if with_dictionary else None)
            setattr(self._local, key, found)
        return found


def _compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary))
