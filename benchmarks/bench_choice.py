"""What each part of the default HTML mode's choice among extractions costs, per page.

Usage: python benchmarks/bench_choice.py [DIR] [--pages N]

DIR defaults to ``../shared/eval/dev`` beside the repository.  For every page,
in this process: the cleaner's own extraction (decode excluded: pages are
read first), readability-lxml and resiliparse, the text pipeline on the candidates, the
features, the two models; and ``trafilatura.extract`` at default settings for
scale.  Prints the mean milliseconds of each part and each part's ratio to
trafilatura's time.
"""

from __future__ import annotations

import gzip
import time

import trafilatura
from common import gold_pages

import cleaner
from cleaner.candidates import NAMES, candidate_texts, extractor_of
from cleaner.choice import choose
from cleaner.features import table


def main() -> None:
    directory, gold, ids, _ = gold_pages(__doc__)
    engine = cleaner.Cleaner()
    model = engine._choice_model()
    if model is None:
        raise SystemExit("no choice model: nothing to measure")
    parts = dict.fromkeys(
        ("trafilatura", "extraction", "others", "pipelines", "features", "models"), 0.0
    )
    for pid in ids:
        with gzip.open(directory / f"{pid}.html.gz", "rt", encoding="utf-8") as handle:
            html = handle.read()
        url = gold[pid].url
        t0 = time.perf_counter()
        trafilatura.extract(html)
        t1 = time.perf_counter()
        chosen = engine.extract_page(html, url=url, source={})
        extracted = chosen.extraction
        t2 = time.perf_counter()
        texts = candidate_texts(extracted, html)
        t3 = time.perf_counter()
        docs = {
            name: engine._finish_html(
                texts[extractor_of(name)],
                chosen,
                url=url,
                site=None,
                source={},
                plain=name != extractor_of(name),
            )
            for name in NAMES
        }
        t4 = time.perf_counter()
        features = table(
            {n: d.text for n, d in docs.items()},
            extracted.figures,
            title=chosen.metadata.get("title"),
            headline=False,
            comments=False,
        )
        t5 = time.perf_counter()
        choose(model, features, engine.config)
        t6 = time.perf_counter()
        for key, spent in zip(
            parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True
        ):
            parts[key] += spent
    base = parts["trafilatura"]
    print(f"{'part':<14} {'ms/page':>8} {'x trafilatura':>14}")
    for key, spent in parts.items():
        print(f"{key:<14} {1000 * spent / len(ids):8.1f} {spent / base:14.2f}")
    total = sum(v for k, v in parts.items() if k != "trafilatura")
    print(f"{'default mode':<14} {1000 * total / len(ids):8.1f} {total / base:14.2f}")
    print(f"({len(ids)} pages)")


if __name__ == "__main__":
    main()
