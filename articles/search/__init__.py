"""Full-text search: the query language and the one text normaliser (database-free).

- ``text``: ``fold``, ``words``, ``tokens`` (what is indexed and queried), ``STOP_WORDS``.
- ``query``: ``parse(q)`` -> ``ParsedQuery`` holding the tree (``All``, ``Any``, ``Phrase``,
  ``Term``) and what the page needs to explain it.
- ``evaluate``: the reference evaluator and the index layout (the oracle of the backend tests).
- ``compile``: tsquery / tsvector text for PostgreSQL, MATCH expression / documents for FTS5.
"""
