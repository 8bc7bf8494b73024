"""The tantivy engine's stored articles: article JSON -> zstd frames (a dictionary trained on
the index's own first articles) -> article JSON.

tantivy's store packs blocks of documents with LZ4: 1.7x on the bench's archive, where zstd
packs one article alone 2.3x, and 3.1x with a dictionary of what articles share (the words of
the language, the JSON's keys, a site's phrasing). The store was 41% of the index at a million
articles.

The dictionary is decided once per index, by its first writer, before the first article is
added: trained on the first TRAINING_ARTICLES (or on all, if fewer come before the first
commit), and written to the index folder. An empty file means no dictionary (too few or too
alike articles to train one); a frame names its dictionary's id, so readers tell which
decompressor a frame needs.
"""

import threading
from pathlib import Path

import zstandard

DICTIONARY = "store.zdict"
TRAINING_ARTICLES = 2000  # 0.6 s to train; 5,000 gain 1%
MIN_TRAINING_ARTICLES = 100  # zstd cannot train a useful dictionary on fewer
DICTIONARY_BYTES = 256 * 1024  # 4% tighter than 64 KB, at the same speed
LEVEL = 5  # 3.5% tighter than 3, at 70 us an article rather than 35


class Packer:
    """Compresses one writer's articles. Until the index has its dictionary, `ready` is False:
    the writer holds its articles back and hands them to train()."""

    def __init__(self, folder: Path):
        self._path = Path(folder) / DICTIONARY
        self._compressor = _compressor(self._path.read_bytes()) if self._path.exists() else None

    @property
    def ready(self) -> bool:
        return self._compressor is not None

    def train(self, samples: list[bytes]) -> None:
        """Train the index's dictionary on these articles (none if they are too few) and
        write it before anything compressed with it is added."""
        data = b""
        if len(samples) >= MIN_TRAINING_ARTICLES:
            try:
                data = zstandard.train_dictionary(DICTIONARY_BYTES, samples).as_bytes()
            except zstandard.ZstdError:  # too little or too uniform text to learn from
                data = b""
        partial = self._path.with_suffix(".new")
        partial.write_bytes(data)
        partial.replace(self._path)
        self._compressor = _compressor(data)

    def pack(self, article: bytes) -> bytes:
        return self._compressor.compress(article)


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
        with_dictionary = zstandard.get_frame_parameters(stored).dict_id != 0
        return self._decompressor(with_dictionary).decompress(stored)

    def _decompressor(self, with_dictionary: bool) -> zstandard.ZstdDecompressor:
        key = "dictionary" if with_dictionary else "plain"
        found = getattr(self._local, key, None)
        if found is None:
            if with_dictionary and self._dictionary is None:
                # Read when first needed: a searcher may open before the first commit.
                self._dictionary = zstandard.ZstdCompressionDict(self._path.read_bytes())
            found = zstandard.ZstdDecompressor(dict_data=self._dictionary if with_dictionary else None)
            setattr(self._local, key, found)
        return found


def _compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    if not dictionary:
        return zstandard.ZstdCompressor(level=LEVEL)
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary))
