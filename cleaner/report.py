"""A static HTML report over cleaned output: what was removed, where, by which rule.

Reads the ``.json`` sidecars that ``cleaner clean -o OUT`` writes (the clean
text sits in the ``.txt`` beside each) or a JSON Lines file of records with
``text`` and ``provenance``.  Each document's canonical text is rebuilt from
its output and removals (:func:`cleaner.provenance.restore_text`) and shown
with the removed spans highlighted and labelled by rule.

The page is one self-contained file: inline CSS and script, no network (a
Content-Security-Policy forbids it).  Every piece of document text and every
rule name is HTML-escaped: scraped documents are hostile input.  A record that
cannot be read or does not replay is listed as an error; the report goes on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from cleaner.inputs import STATS_FILE
from cleaner.provenance import restore_text

FLAG_SHARE = 0.5
"""A document that lost more than this share of its characters is flagged for review:
deleting an article is the worst failure, and a large cut is where to look first."""


@dataclass(slots=True)
class DocView:
    """One document as the report shows it.

    Attributes:
        name: Where it came from (sidecar path, source or record number).
        site: The site pack applied, or ``(none)``.
        canonical: The canonical text the removals point into.
        removals: ``(start, end, rule)`` spans, sorted.
    """

    name: str
    site: str
    canonical: str
    removals: list[tuple[int, int, str]]

    @property
    def removed_share(self) -> float:
        """The share of the canonical text's characters that cleaning removed.

        >>> DocView("d", "(none)", "0123456789", [(0, 3, "a"), (5, 8, "b")]).removed_share
        0.6
        """
        if not self.canonical:
            return 0.0
        return sum(end - start for start, end, _ in self.removals) / len(self.canonical)

    @property
    def flagged(self) -> bool:
        """Whether the document lost more than :data:`FLAG_SHARE` of its characters."""
        return self.removed_share > FLAG_SHARE

    def top_rule(self) -> str:
        """The rule that removed the most characters (``-`` when nothing was removed)."""
        chars: Counter[str] = Counter()
        for start, end, rule in self.removals:
            chars[rule] += end - start
        return chars.most_common(1)[0][0] if chars else "-"


@dataclass(slots=True)
class ReportData:
    """Everything the page shows."""

    documents: list[DocView] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _site(provenance: Mapping[str, Any]) -> str:
    for pack in provenance.get("packs", []):
        if pack.get("matched_by") != "always":
            return str(pack.get("name", "(none)"))
    return "(none)"


def document_view(name: str, text: str, provenance: Mapping[str, Any]) -> DocView:
    """Rebuild a document's canonical text and check every removal against it.

    Raises:
        ValueError: The record is malformed or its removals do not replay.
    """
    try:
        removals = [
            (int(r["start"]), int(r["end"]), str(r["rule"]), str(r["text"]))
            for r in provenance["removals"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed provenance: {exc!r}") from None
    canonical = restore_text(
        text, [{"rule": r, "kind": "", "start": s, "end": e, "text": t} for s, e, r, t in removals]
    )
    spans = sorted((s, e, r) for s, e, r, _ in removals)
    last = 0
    for (start, end, rule), (_, _, _, removed) in zip(spans, sorted(removals), strict=True):
        if start < last or end < start or canonical[start:end] != removed:
            raise ValueError(f"removal {rule} [{start}:{end}] does not replay")
        last = end
    return DocView(name, _site(provenance), canonical, spans)


def from_folder(folder: Path) -> Iterator[DocView | str]:
    """Yield a view (or an error message) for each sidecar under ``folder``."""
    for path in sorted(folder.rglob("*.json")):
        if path.parent == folder and path.name == STATS_FILE:
            continue  # the run's counts, not a document
        try:
            record = json.loads(path.read_text("utf-8"))
            text = path.with_suffix(".txt").read_text("utf-8")
            yield document_view(str(path.relative_to(folder)), text, record["provenance"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            yield f"{path}: {exc}"


def from_jsonl(path: Path) -> Iterator[DocView | str]:
    """Yield a view (or an error message) for each line of a JSON Lines file."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                name = str(record.get("id") or record.get("source") or f"line {number}")
                yield document_view(name, record["text"], record["provenance"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                yield f"{path}:{number}: {exc}"


def collect(source: Path) -> ReportData:
    """Read a cleaned output folder or a JSON Lines file.

    Raises:
        FileNotFoundError: ``source`` does not exist.
    """
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such folder or file")
    items: Iterable[DocView | str] = from_folder(source) if source.is_dir() else from_jsonl(source)
    data = ReportData()
    for item in items:
        if isinstance(item, str):
            data.errors.append(item)
        else:
            data.documents.append(item)
    return data


def _highlight(doc: DocView) -> str:
    out: list[str] = []
    pos = 0
    for start, end, rule in doc.removals:
        out.append(escape(doc.canonical[pos:start]))
        rule_attr = escape(rule, quote=True)
        out.append(
            f'<mark class="rm" data-rule="{rule_attr}" title="{rule_attr}">'
            f'<span class="lbl">{escape(rule)}</span>{escape(doc.canonical[start:end])}</mark>'
        )
        pos = end
    out.append(escape(doc.canonical[pos:]))
    return "".join(out)


def _table(title: str, head: tuple[str, ...], rows: Sequence[tuple[str, ...]], cls: str) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        tds = "".join(f"<td>{escape(c)}</td>" for c in row)
        body.append(f'<tr data-key="{escape(row[0], quote=True)}">{tds}</tr>')
    return (
        f'<h2>{escape(title)}</h2><table class="{cls}"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}
table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:2px 8px}
td:not(:first-child){text-align:right}tr.pick{cursor:pointer}tr.pick:hover{background:#eef}
.doc{border:1px solid #ccc;margin:1em 0;padding:.5em}.doc h3{margin:0;font-size:14px}
pre{white-space:pre-wrap;word-break:break-word}
mark.rm{background:#fdd;text-decoration:line-through;text-decoration-color:#a33}
mark.rm.dim{background:none;text-decoration:none}mark.rm.dim .lbl{display:none}
.lbl{font:11px monospace;background:#a33;color:#fff;padding:0 3px;margin-right:3px;
text-decoration:none;display:inline-block}
#controls{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ccc}
.hidden{display:none}.err{color:#a33}
"""

_JS = """
(function(){
  var q=document.getElementById('q'), rule=document.getElementById('rule');
  var docs=Array.prototype.slice.call(document.querySelectorAll('.doc'));
  var shown=document.getElementById('shown');
  function apply(){
    var text=q.value.toLowerCase(), r=rule.value, n=0;
    docs.forEach(function(d){
      var rules=JSON.parse(d.getAttribute('data-rules'));
      var ok=(!r||rules.indexOf(r)>=0)&&(!text||d.textContent.toLowerCase().indexOf(text)>=0);
      d.classList.toggle('hidden',!ok); if(ok){n++;}
      d.querySelectorAll('mark.rm').forEach(function(m){
        m.classList.toggle('dim', !!r && m.getAttribute('data-rule')!==r);
      });
    });
    shown.textContent=String(n);
  }
  q.addEventListener('input',apply); rule.addEventListener('change',apply);
  document.querySelectorAll('table.rules tr[data-key]').forEach(function(tr){
    tr.classList.add('pick');
    tr.addEventListener('click',function(){rule.value=tr.getAttribute('data-key');apply();});
  });
  apply();
})();
"""

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def render(data: ReportData, title: str = "cleaner report") -> str:
    """Return the report page for ``data`` as one self-contained HTML string."""
    per_rule: Counter[str] = Counter()
    docs_per_rule: Counter[str] = Counter()
    per_site: Counter[str] = Counter()
    docs_per_site: Counter[str] = Counter()
    for doc in data.documents:
        rules = [r for _, _, r in doc.removals]
        per_rule.update(rules)
        docs_per_rule.update(set(rules))
        per_site[doc.site] += len(rules)
        docs_per_site[doc.site] += 1
    site_rows = [
        (site, str(docs_per_site[site]), str(per_site[site])) for site in sorted(docs_per_site)
    ]
    rule_rows = [
        (rule, str(count), str(docs_per_rule[rule]))
        for rule, count in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    options = "".join(
        f'<option value="{escape(r, quote=True)}">{escape(r)}</option>' for r, *_ in rule_rows
    )
    sections = []
    flagged_rows = []
    for i, doc in enumerate(data.documents):
        rule_list = json.dumps(sorted({r for _, _, r in doc.removals}))
        flag = ""
        if doc.flagged:
            share = f"{doc.removed_share:.0%}"
            flagged_rows.append((doc.name, share, doc.top_rule()))
            flag = f' <strong class="err">lost {share} of its characters</strong>'
        sections.append(
            f'<section class="doc" id="doc{i}" data-rules="{escape(rule_list, quote=True)}">'
            f"<h3>{escape(doc.name)} <small>({escape(doc.site)}, "
            f"{len(doc.removals)} removal(s))</small>{flag}</h3>"
            f"<pre>{_highlight(doc)}</pre></section>"
        )
    errors = "".join(f'<li class="err">{escape(e)}</li>' for e in data.errors)
    total = sum(per_rule.values())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{len(data.documents)} document(s), {total} removal(s), "
        f"{len(data.errors)} unreadable record(s), {len(flagged_rows)} document(s) that lost "
        f"more than {FLAG_SHARE:.0%} of their characters.</p>"
        + (
            _table(
                f"Documents that lost more than {FLAG_SHARE:.0%} of their characters",
                ("document", "removed", "largest rule"),
                flagged_rows,
                "flagged",
            )
            if flagged_rows
            else ""
        )
        + _table("Removals per site", ("site", "documents", "removals"), site_rows, "sites")
        + _table("Removals per rule", ("rule", "removals", "documents"), rule_rows, "rules")
        + (f"<h2>Unreadable records</h2><ul>{errors}</ul>" if errors else "")
        + '<div id="controls"><label>Search <input id="q" type="search"></label> '
        f'<label>Rule <select id="rule"><option value="">(all rules)</option>{options}'
        '</select></label> <span id="shown"></span> document(s) shown</div>'
        + "".join(sections)
        + f"<script>{_JS}</script></body></html>\n"
    )
