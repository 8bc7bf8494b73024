"""Full-text search for scraped Vietnamese news: extract -> analyse -> index -> query.

The stages, in the order data flows (CONTRIBUTING.md has the table): corpus (files -> raw
documents), noise (the rules, as data), lines and dates (one line -> its label; the Article
record), extract (text dumps and HTML pages -> Article), boilerplate (lines a site repeats),
pipeline (files -> articles, in worker processes), normalize and analysis (text -> words: the
one definition of terms), engines/ (whoosh and tantivy behind one protocol), generations and
index (the index folder: build, update, open), parse, plan and query (user text -> plan ->
Page of Hits), snippets (highlighting), spelling and suggest ("did you mean"), cli.
"""
