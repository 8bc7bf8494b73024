"""Reading a crawl -> what it says besides documents: records passed over, crawl files done."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Passed:
    """A record that is neither an article nor an error (a revisit, an image, a 404): counted
    in the report under `what`, never listed one by one. `what` is empty for a crawl's own
    bookkeeping (requests, warcinfo), which is not even counted."""

    path: str  # the file that holds it, as named
    what: str


@dataclass(frozen=True)
class FileDone:
    """The last record of a crawl file has been read: its manifest entry and its figures."""

    path: str  # as named
    stamp: str  # mtime and size when reading began
    records: int
    seconds: float
