"""Choose the rule packs for a document: forced site, URL host, then fingerprints."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from cleaner.document import PackMatch
from cleaner.rules.literals import requirement, satisfied
from cleaner.rules.model import Pack
from cleaner.screens import Screens, literal


class UnknownSiteError(KeyError):
    """A site was forced that no loaded pack is named after."""

    def __str__(self) -> str:
        return str(self.args[0])


def host_of(url: str) -> str | None:
    """Return the lower-case host of a URL, without a leading ``www.``.

    >>> host_of("https://WWW.Example.co.uk:8080/a?b")
    'example.co.uk'
    >>> host_of("not a url") is None
    True
    """
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.lower().removeprefix("www.")


def _candidate_hosts(host: str) -> list[str]:
    """The host itself, then each parent domain with at least two labels.

    >>> _candidate_hosts("a.b.example.com")
    ['a.b.example.com', 'b.example.com', 'example.com']
    """
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


class PackRegistry:
    """The loaded packs, indexed for selection.

    Args:
        packs: Packs in load order; later packs with the same name replace earlier.
    """

    def __init__(self, packs: Iterable[Pack]) -> None:
        self.packs: dict[str, Pack] = {}
        for pack in packs:
            self.packs[pack.name] = pack
        self.by_domain: dict[str, Pack] = {}
        for pack in self.packs.values():
            for domain in pack.domains:
                self.by_domain[domain] = pack
        self.always = [p for p in self.packs.values() if p.always]
        self.fingerprinted = sorted(
            (p for p in self.packs.values() if p.fingerprints and not p.always),
            key=lambda p: p.name,
        )
        # What each fingerprint needs, and every such literal, looked for in one scan.
        self._needs = [
            (pack, [(fp, requirement(fp.pattern)) for fp in pack.fingerprints])
            for pack in self.fingerprinted
        ]
        needed = {
            lit
            for pack in self.fingerprinted
            for fingerprint in pack.fingerprints
            for branch in requirement(fingerprint.pattern) or ()
            for clause in branch
            for lit in clause
        }
        screens = {lit: [literal(lit)] for lit in sorted(needed)}
        self._literals = Screens(screens) if screens else None

    def __len__(self) -> int:
        return len(self.packs)

    def require(self, site: str | None) -> None:
        """Check that a forced ``site`` names a loaded pack (``None`` forces nothing).

        Raises:
            UnknownSiteError: ``site`` names no loaded pack.
        """
        if site is not None and site not in self.packs:
            known = ", ".join(sorted(self.packs)) or "none"
            raise UnknownSiteError(f"no rule pack named {site!r} (loaded: {known})")

    def site_pack(
        self, *, url: str | None, site: str | None, text: str, timeout: float = 1.0
    ) -> tuple[Pack, str] | None:
        """Return the site pack for a document and why it was chosen, or ``None``.

        Order: the forced ``site``; the URL's exact host, then its parent
        domains; then the pack with the most matching fingerprints (ties go to
        the first name in sort order, so the choice is deterministic).

        Raises:
            UnknownSiteError: ``site`` names no loaded pack.
        """
        if site is not None:
            self.require(site)
            return self.packs[site], "site"
        host = host_of(url) if url else None
        if host:
            for candidate in _candidate_hosts(host):
                if candidate in self.by_domain:
                    return self.by_domain[candidate], f"domain:{candidate}"
        return self._by_fingerprints(text, timeout)

    def _by_fingerprints(self, text: str, timeout: float) -> tuple[Pack, str] | None:
        """The pack with the most matching fingerprints, if it has enough of them."""
        best: tuple[int, Pack] | None = None
        # The literals the text holds are found in one scan that stops looking for
        # each at its first match (some, " " and "@", occur hundreds of times a
        # document); without hyperscan each is searched for when first asked about.
        folded = text.casefold() if self.fingerprinted else ""
        held = self._literals.scan(folded).names() if self._literals is not None else folded
        for pack, needed in self._needs:
            hits = 0
            for fingerprint, needs in needed:
                # A fingerprint whose literals the text lacks cannot match: skip the search.
                if needs is not None and not satisfied(needs, held):
                    continue
                try:
                    if fingerprint.search(text, timeout=timeout):
                        hits += 1
                except TimeoutError:
                    continue
            if hits >= pack.min_fingerprints and (best is None or hits > best[0]):
                best = (hits, pack)
        if best is not None:
            hits, pack = best
            return pack, f"fingerprint:{hits}/{len(pack.fingerprints)}"
        return None

    def select(
        self, *, url: str | None, site: str | None, text: str, timeout: float = 1.0
    ) -> list[tuple[Pack, PackMatch]]:
        """Return the packs to apply, site pack first, then the ``always`` packs."""
        chosen: list[tuple[Pack, PackMatch]] = []
        found = self.site_pack(url=url, site=site, text=text, timeout=timeout)
        if found is not None:
            pack, why = found
            chosen.append((pack, _match(pack, why)))
        chosen.extend((pack, _match(pack, "always")) for pack in self.always)
        return chosen


def _match(pack: Pack, why: str) -> PackMatch:
    return PackMatch(name=pack.name, version=pack.version, sha256=pack.sha256, matched_by=why)
