"""Suggested groups of free-text comments by shared keywords (pure; no Django).

The method, documented in docs/feedback.md: lower-case each comment, split into words of
letters, drop English stop words (scikit-learn's list, survey filler words and words
every health comment uses) and words under three letters, strip a plural "s"; terms are
the remaining words and adjacent-word bigrams. Terms used by at least `min_size` comments
are ranked by how many comments use
them (bigrams first on ties, as they say more); each term in turn takes the comments not
yet grouped that use it, and becomes a suggested group if that leaves at least
`min_size`. Groups are only suggestions: a person names them and accepts them as themes.
"""

from __future__ import annotations

import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

FILLER = {"really", "just", "think", "feel", "like", "lot", "get", "got", "bit", "thing"}
# Words nearly every comment about health services uses: they group nothing useful.
FILLER |= {"health", "service", "nhs", "care", "people", "need", "help"}
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | FILLER
WORD = re.compile(r"[a-z]+")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenise(text: str) -> list[str]:
    """The comment's keywords, in order: lower case, stop words and short words dropped."""
    words = (_stem(w) for w in WORD.findall(text.lower()))
    return [w for w in words if len(w) >= 3 and w not in STOP_WORDS]


def terms(text: str) -> set[str]:
    """Keywords and adjacent-keyword bigrams ("waiting time") of one comment."""
    tokens = tokenise(text)
    return set(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)}


def suggest_groups(
    comments: list[tuple[object, str]], *, min_size: int = 3, max_groups: int = 10
) -> list[dict]:
    """Suggested groups of comments that share frequent keywords or bigrams.

    In: (id, text) pairs. Out: up to `max_groups` dicts {"label": the shared term,
    "keywords": the group's three most common terms, "ids": the comment ids}, largest
    first. A comment joins at most one group; comments sharing nothing frequent stay out.
    """
    by_id = {cid: terms(text) for cid, text in comments if text and text.strip()}
    frequency = Counter(term for found in by_id.values() for term in found)
    ranked = sorted(
        (t for t, n in frequency.items() if n >= min_size),
        key=lambda t: (-frequency[t], -t.count(" "), t),
    )
    grouped: set = set()
    groups = []
    for term in ranked:
        ids = [cid for cid, found in by_id.items() if term in found and cid not in grouped]
        if len(ids) < min_size:
            continue
        grouped.update(ids)
        shared = Counter(t for cid in ids for t in by_id[cid] if " " not in t or t == term)
        keywords = [t for t, _ in shared.most_common(3)]
        groups.append({"label": term, "keywords": keywords, "ids": ids})
        if len(groups) == max_groups:
            break
    return sorted(groups, key=lambda g: -len(g["ids"]))
