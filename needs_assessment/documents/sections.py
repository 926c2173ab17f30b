"""Every section of the INA, in order: what the profile and the other sources say.

`build_sections(sources)` gives a `SectionContent` per `INASection`. The sources are read
by `queries.section_sources` (scoped, and controlled for the reader); the builders here
do no database access, so the page, the printable page and the workbook share them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from commissioning.api.controlled import controlled_indicator_figures
from needs_assessment.documents import inequality_sections, profile_sections
from needs_assessment.documents.figures import Figure, decimals_for
from needs_assessment.documents.profile_data import ProfileData
from needs_assessment.documents.tables import Column, SectionContent, Table
from needs_assessment.models import INASection


@dataclass
class Sources:
    """Everything the INA shows, read for one reader. Lists hold plain dicts:

    - previous_findings: title, summary, approved_at (the previous cycle's approved
      evaluation findings) and `previous_cycle` its label ("" if there is none);
    - indicator_values: indicator, unit, where, period_end, value, lower_ci, upper_ci,
      numerator, denominator;
    - insight: date, source, group, themes (list), summary, quote, segments, areas."""

    profile: ProfileData
    previous_cycle: str = ""
    previous_findings: list[dict] = field(default_factory=list)
    indicator_values: list[dict] = field(default_factory=list)
    insight: list[dict] = field(default_factory=list)
    insight_withheld: bool = False

    @property
    def controlled(self) -> bool:
        return self.profile.controlled


def starting_point(sources: Sources) -> SectionContent:
    """The previous cycle's approved evaluation findings: where this cycle starts."""
    section = SectionContent(INASection.STARTING_POINT, INASection.STARTING_POINT.label)
    table = Table(
        "starting-point",
        f"Approved evaluation findings of the {sources.previous_cycle} cycle"
        if sources.previous_cycle
        else "Approved evaluation findings of the previous cycle",
        [Column("Finding"), Column("What was found"), Column("Approved on")],
    )
    for finding in sources.previous_findings:
        approved = finding.get("approved_at")
        table.rows.append(
            [finding["title"], finding["summary"], f"{approved:%-d %B %Y}" if approved else ""]
        )
    section.tables = [table] if table.rows else []
    section.intro = (
        "The evaluation of the last cycle is where this one starts: each finding below was "
        "approved at the end of that cycle."
    )
    section.empty_message = (
        f"The {sources.previous_cycle} cycle has no approved evaluation findings yet."
        if sources.previous_cycle
        else "This is the first commissioning cycle recorded for this ICB, so there are no "
        "evaluation findings from a previous cycle to start from."
    )
    return section


def quality(sources: Sources) -> SectionContent:
    """The latest value of each service quality and performance indicator for the ICB's
    areas and the providers it contracts with."""
    section = SectionContent(INASection.QUALITY, INASection.QUALITY.label)
    table = Table(
        "quality",
        "Service quality and performance indicators (latest period)",
        [
            Column("Indicator"),
            Column("Area or provider"),
            Column("Period ending"),
            Column("Value (95% interval)", "figure"),
            Column("Unit"),
        ],
        long=len(sources.indicator_values) > profile_sections.LONG_TABLE,
    )
    for value in sources.indicator_values:
        table.rows.append(
            [
                value["indicator"],
                value["where"],
                f"{value['period_end']:%-d %b %Y}",
                _indicator_figure(value, controlled=sources.controlled),
                value["unit"],
            ]
        )
    section.tables = [table] if table.rows else []
    section.empty_message = (
        "No indicator values have been loaded for this ICB's areas or providers yet."
    )
    return section


def _indicator_figure(value: dict, *, controlled: bool) -> Figure:
    figures = {
        "value": value["value"],
        "lower_ci": value["lower_ci"],
        "upper_ci": value["upper_ci"],
        "numerator": value["numerator"],
        "denominator": value["denominator"],
    }
    if controlled:
        figures = controlled_indicator_figures(unit=value["unit"], **figures)
    return Figure(
        value=figures["value"],
        lower=figures["lower_ci"],
        upper=figures["upper_ci"],
        numerator=figures["numerator"],
        denominator=figures["denominator"],
        unit=value["unit"],
        decimals=decimals_for("", value["unit"]),
        controlled=controlled,
    )


def insight(sources: Sources) -> SectionContent:
    """The ICB's insight records (newest first) and how often each theme comes up."""
    section = SectionContent(INASection.INSIGHT, INASection.INSIGHT.label)
    records = Table(
        "insight",
        "What people who use services and partners told us",
        [
            Column("Date"),
            Column("Source"),
            Column("From"),
            Column("Themes"),
            Column("Summary"),
            Column("Segments and areas"),
        ],
        long=len(sources.insight) > profile_sections.LONG_TABLE,
    )
    themes: Counter = Counter()
    for record in sources.insight:
        themes.update(record["themes"])
        day: date = record["date"]
        records.rows.append(
            [
                f"{day:%-d %b %Y}",
                record["source"],
                record["group"],
                ", ".join(record["themes"]),
                record["summary"] + (f" “{record['quote']}”" if record.get("quote") else ""),
                ", ".join([*record.get("segments", []), *record.get("areas", [])]),
            ]
        )
    counts = Table(
        "insight-themes",
        "How often each theme came up",
        [Column("Theme"), Column("Insight records", "number", 0)],
    )
    counts.rows = [[theme, n] for theme, n in sorted(themes.items(), key=lambda t: (-t[1], t[0]))]
    section.tables = [t for t in (counts, records) if t.rows]
    section.empty_message = (
        "Insight records are held by the ICB; the key findings above summarise them."
        if sources.insight_withheld
        else "No insight records have been added for this ICB yet."
    )
    return section


BUILDERS: dict[str, Callable[[Sources], SectionContent]] = {
    INASection.STARTING_POINT: starting_point,
    INASection.POPULATION: lambda s: profile_sections.population(s.profile),
    INASection.SEGMENTS: lambda s: profile_sections.segments(s.profile),
    INASection.RISK: lambda s: profile_sections.risk(s.profile),
    INASection.PREVALENCE: lambda s: profile_sections.prevalence(s.profile),
    INASection.ACTIVITY: lambda s: profile_sections.activity(s.profile),
    INASection.INEQUALITIES: lambda s: inequality_sections.inequalities(s.profile),
    INASection.UNDERSERVED: lambda s: inequality_sections.underserved(s.profile),
    INASection.QUALITY: quality,
    INASection.INSIGHT: insight,
}
SECTION_ORDER = [key for key, _ in INASection.choices]


def build_sections(sources: Sources) -> list[SectionContent]:
    """Every section of the INA in reading order."""
    return [build_section(sources, key) for key in SECTION_ORDER]


def build_section(sources: Sources, key: str) -> SectionContent:
    section = BUILDERS[key](sources)
    for table in section.tables:
        table.prune_comparisons()
    return section
