"""Full-text search for scraped Vietnamese news: extract -> normalize -> index -> query.

The stages, one module each: corpus (files -> raw documents), extract and extract_html (raw
page -> Article), normalize (Vietnamese text rules), analysis (Whoosh analyzers), index (schema,
build, open), query (user text -> Page of Hits), snippets (highlighting), cli (the `search`
command).
"""
