"""Doctest collection: modules of optional extras that are not installed are left out.

``pytest`` collects doctests from every module of ``cleaner/``; a module that
needs an optional extra (``pip install 'cleaner[datatrove]'``, ...) cannot be
imported without it, so it is skipped here rather than failing collection.
Their tests skip themselves with the install command (see ``tests/``).
"""

from __future__ import annotations

import importlib.util

OPTIONAL = {
    "cleaner/arrow.py": "pyarrow",
    "cleaner/parquet.py": "pyarrow",
    "cleaner/ray.py": "pyarrow",
    "cleaner/warc.py": "warcio",
    "cleaner/datatrove.py": "datatrove",
}

collect_ignore = [
    path for path, module in OPTIONAL.items() if importlib.util.find_spec(module) is None
]
