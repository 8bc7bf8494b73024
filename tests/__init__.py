"""The test suite. A developer's own SEARCH_* settings (a page size, an index folder, an engine)
must not change what the tests see: they are cleared here, before search/limits.py or the web
app's configuration read them (tests set what they need themselves)."""

import os

for _name in [name for name in os.environ if name.startswith("SEARCH_")]:
    del os.environ[_name]


def as_default_engine(name: str):
    """For an `engine` fixture: SEARCH_ENGINE is `name` (the default of every index built
    meanwhile) until the fixture ends, then as it was."""
    before = os.environ.get("SEARCH_ENGINE")
    os.environ["SEARCH_ENGINE"] = name
    yield name
    if before is None:
        os.environ.pop("SEARCH_ENGINE", None)
    else:
        os.environ["SEARCH_ENGINE"] = before
