"""What changed between two versions of an INA: each section's commentary (a word-level
diff) and its findings (added, removed, changed), and whether the profile changed.

Findings are matched through `carried_from` (a later version's copy of a finding points
back to it), so an edited finding shows as changed, not as one removed and one added.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from needs_assessment.models import INASection, NeedsAssessment, NeedsAssessmentFinding

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text: "same", "added" or "removed"."""

    kind: str
    text: str


@dataclass
class SectionChange:
    key: str
    title: str
    changed: bool
    pieces: list[Piece] = field(default_factory=list)
    added: list[NeedsAssessmentFinding] = field(default_factory=list)
    removed: list[NeedsAssessmentFinding] = field(default_factory=list)
    edited: list[tuple[NeedsAssessmentFinding, NeedsAssessmentFinding]] = field(
        default_factory=list
    )

    @property
    def has_changes(self) -> bool:
        return self.changed or bool(self.added or self.removed or self.edited)


@dataclass
class Comparison:
    older: NeedsAssessment
    newer: NeedsAssessment
    sections: list[SectionChange]
    profile_changed: bool
    title_changed: bool
    summary_pieces: list[Piece]

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.has_changes]

    @property
    def summary_changed(self) -> bool:
        return any(p.kind != "same" for p in self.summary_pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """The text of `new` with what was removed from `old` and what was added, word by word
    (whitespace kept, so paragraphs survive)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[a0:a1])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[a0:a1])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[b0:b1])))
    return _merge(pieces)


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def _lineage(link: NeedsAssessmentFinding, by_id: dict) -> set[int]:
    """The ids of this finding link and every link it was carried from."""
    seen: set[int] = set()
    current = link
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        parent_id = current.carried_from_id
        current = by_id.get(parent_id) if parent_id else None
        if current is None and parent_id:
            current = NeedsAssessmentFinding.objects.filter(pk=parent_id).first()
    return seen


def _finding_changes(older: list, newer: list) -> tuple[list, list, list]:
    by_id = {link.pk: link for link in [*older, *newer]}
    old_ids = {link.pk: link for link in older}
    matched: set[int] = set()
    added, edited = [], []
    for link in newer:
        ancestor = next((pk for pk in _lineage(link, by_id) if pk in old_ids), None)
        if ancestor is None:
            added.append(link)
            continue
        matched.add(ancestor)
        old = old_ids[ancestor]
        if (old.finding.title, old.finding.summary, old.evidence, old.section) != (
            link.finding.title,
            link.finding.summary,
            link.evidence,
            link.section,
        ):
            edited.append((old, link))
    removed = [link for pk, link in old_ids.items() if pk not in matched]
    return added, removed, edited


def compare(older: NeedsAssessment, newer: NeedsAssessment) -> Comparison:
    """What changed from `older` to `newer` (two versions of one cycle's INA; the caller
    has checked that the reader may see both)."""
    if older.version > newer.version:
        older, newer = newer, older
    old_text = dict(older.sections.values_list("key", "commentary"))
    new_text = dict(newer.sections.values_list("key", "commentary"))
    old_links = list(older.finding_links.select_related("finding"))
    new_links = list(newer.finding_links.select_related("finding"))
    added, removed, edited = _finding_changes(old_links, new_links)
    sections = []
    for key, title in INASection.choices:
        before, after = old_text.get(key, ""), new_text.get(key, "")
        sections.append(
            SectionChange(
                key=key,
                title=title,
                changed=before != after,
                pieces=word_diff(before, after) if before != after else [],
                added=[link for link in added if link.section == key],
                removed=[link for link in removed if link.section == key],
                edited=[(o, n) for o, n in edited if n.section == key],
            )
        )
    return Comparison(
        older=older,
        newer=newer,
        sections=sections,
        profile_changed=older.profile_id != newer.profile_id,
        title_changed=older.title != newer.title,
        summary_pieces=word_diff(older.summary, newer.summary),
    )
