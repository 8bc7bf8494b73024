"""The test suite. A developer's own SEARCH_* settings (a page size, an index folder, an engine)
must not change what the tests see: they are cleared here, before search/limits.py or the web
app's configuration read them (tests set what they need themselves)."""

import os

for _name in [name for name in os.environ if name.startswith("SEARCH_")]:
    del os.environ[_name]
