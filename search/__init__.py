"""Full-text search for scraped Vietnamese news: extract -> analyse -> index -> query.

The stages, one module each, in the order data flows: corpus (files -> raw documents),
extract and extract_html (raw page -> Article), template (lines a site repeats), pipeline
(files -> articles, in worker processes), normalize (Vietnamese text rules), analysis (text ->
words: the one definition of terms), engines/ (whoosh and tantivy behind one protocol), index
(generations: build, update, open), plan and query (user text -> plan -> Page of Hits),
snippets (highlighting), spelling and suggest ("did you mean"), cli (the `search` command).
"""
