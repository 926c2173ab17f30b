"""The provider portal: a provider representative's home page, made of sections that the
stage apps contribute (their contracts' payment statements, the scenario impact lines
shared with them, committee items to vote on, consultations to comment on, KPI
performance, surveys to answer).

Each stage registers a section function with `@portal_section(order)` in its own
`portal.py` (imported by its AppConfig.ready). A section function takes the user and
returns a `Section`, or None when it has nothing to show that user. Every section reads
through `commissioning.access`, so a provider only ever sees its own organisation's rows;
the core stays free of imports from the stage apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from commissioning import access


@dataclass
class Section:
    """One block of the portal: a heading, a template that renders `rows` (included with
    `rows` in its context), and how many of them need the user's action (shown as a count
    on the page)."""

    title: str
    template: str
    rows: list = field(default_factory=list)
    to_do: int = 0
    order: int = 100


SectionFunction = Callable[..., Section | None]
_SECTIONS: list[tuple[int, SectionFunction]] = []


def portal_section(order: int) -> Callable[[SectionFunction], SectionFunction]:
    """Register a section function; sections show in ascending `order`."""

    def register(function: SectionFunction) -> SectionFunction:
        if function not in [f for _, f in _SECTIONS]:
            _SECTIONS.append((order, function))
            _SECTIONS.sort(key=lambda pair: pair[0])
        return function

    return register


def sections_for(user) -> list[Section]:
    """The portal sections for a provider representative (empty for anyone else)."""
    if not access.is_provider(user) or user.organisation_id is None:
        return []
    found = []
    for order, function in _SECTIONS:
        section = function(user)
        if section is not None:
            section.order = order
            found.append(section)
    return found
