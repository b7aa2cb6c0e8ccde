"""One :class:`cleaner.Cleaner` shared between threads gives the results of a serial run."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cleaner
from cleaner.testing import seed_variants
from tests.conftest import SEEDS

THREADS = 8
DOCUMENTS = 300


def _snapshot(result: cleaner.Result) -> str:
    return json.dumps(
        {"text": result.text, "metadata": result.metadata, "provenance": result.provenance},
        sort_keys=True,
        ensure_ascii=False,
    )


@pytest.mark.slow  # 2,700 documents: about 5-10 s
def test_one_cleaner_shared_by_threads_matches_serial() -> None:
    texts = [record["text"] for record in seed_variants(SEEDS, DOCUMENTS)]
    engine = cleaner.Cleaner()
    serial = [_snapshot(engine.clean(text)) for text in texts]

    def run(offset: int) -> list[str]:
        # Each thread starts at another document, so threads clean different texts at once.
        order = texts[offset:] + texts[:offset]
        done = [_snapshot(engine.clean(text)) for text in order]
        return done[-offset:] + done[:-offset] if offset else done

    with ThreadPoolExecutor(THREADS) as pool:
        runs = list(pool.map(run, [i * DOCUMENTS // THREADS for i in range(THREADS)]))
    for done in runs:
        assert done == serial


def test_html_pages_shared_by_threads_match_serial(shared_datadir: Path) -> None:
    pages = [p.read_bytes() for p in sorted(shared_datadir.glob("*.html"))] * 6
    assert pages
    engine = cleaner.Cleaner()
    serial = [_snapshot(engine.clean_html(page)) for page in pages]
    with ThreadPoolExecutor(THREADS) as pool:
        threaded = list(pool.map(lambda page: _snapshot(engine.clean_html(page)), pages))
    assert threaded == serial
