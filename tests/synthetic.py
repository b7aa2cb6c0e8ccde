"""A synthetic news site: unique article bodies wrapped in the site's boilerplate."""

from __future__ import annotations

import random
from dataclasses import dataclass

MONTHS = "January February March April May June July August September October November December"
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
WORDS = (
    "council budget river harbour election minister school storm bridge farmers market "
    "hospital police festival museum railway trade drought court energy housing water "
    "students workers village report plan vote season league coach rescue flood tower"
).split()


@dataclass(frozen=True)
class Article:
    """One generated document and which of its paragraphs are boilerplate."""

    text: str
    boilerplate: list[str]
    body: list[str]


def _sentence(rng: random.Random) -> str:
    words = [*rng.sample(WORDS, 9), f"{rng.randint(1, 999)}"]
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, number: int) -> Article:
    """Return one article of the site, with varying dates and numbers in its boilerplate."""
    day, month = rng.choice(DAYS.split()), rng.choice(MONTHS.split())
    head = [
        "Home | World | Politics | Sports | Weather",
        f"Posted on {day}, {month} {rng.randint(1, 28)}, {rng.randint(2015, 2024)} "
        f"at {rng.randint(1, 12)}:{rng.randint(0, 59):02d} pm",
        "By Staff Reporter, Daily Example News",
    ]
    if rng.random() < 0.6:
        head.append(f"{rng.randint(2, 15)} min read")
    middle = ["ADVERTISEMENT"]
    tail = [
        "Subscribe to our newsletter for the day's top stories.",
        f"© {rng.randint(2015, 2024)} Daily Example News. All rights reserved.",
    ]
    if rng.random() < 0.7:
        tail.insert(0, f"Comments ({rng.randint(0, 300)})")
    title = f"Story {number}: " + _sentence(rng)
    body = [title] + [
        " ".join(_sentence(rng) for _ in range(3)) for _ in range(rng.randint(16, 24))
    ]
    split = len(body) // 2
    paragraphs = head + body[:split] + middle + body[split:] + tail
    return Article("\n\n".join(paragraphs) + "\n", head + middle + tail, body)


def site(count: int, seed: int = 7) -> list[Article]:
    """Return ``count`` articles of the site, reproducibly."""
    rng = random.Random(seed)
    return [article(rng, n) for n in range(count)]
