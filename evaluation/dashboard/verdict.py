"""The dashboard's one-line answer per priority, pure (no ORM).

It reads the evidence in a fixed order and never claims more than it shows:

1. No outcome has a measured value yet: **too early to say**.
2. Every outcome with a value is off track, or an outcome's SPC chart shows special cause
   of concern: **not working yet**.
3. Every outcome with a value is on track or has met its target, and at least one
   intervention's evaluation found an effect in the improving direction whose 95%
   interval excludes no effect: **working**.
4. Anything else (some on track, some not; or on track without an evaluation to say the
   interventions are why): **some signs of progress**.
"""

from __future__ import annotations

from dataclasses import dataclass

TOO_EARLY, NOT_YET, WORKING, SOME_SIGNS = "too_early", "not_yet", "working", "some_signs"
LABELS = {
    TOO_EARLY: "Too early to say",
    NOT_YET: "Not working yet",
    WORKING: "Working",
    SOME_SIGNS: "Some signs of progress",
}
CSS = {
    TOO_EARLY: "nhsuk-tag--grey",
    NOT_YET: "nhsuk-tag--red",
    WORKING: "nhsuk-tag--green",
    SOME_SIGNS: "nhsuk-tag--yellow",
}
REASONS = {
    TOO_EARLY: "No outcome of this priority has a measured value yet.",
    NOT_YET: "Its outcomes are off track, or a chart shows a change for the worse.",
    WORKING: "Its outcomes are on track and an evaluation found an effect that is unlikely "
    "to be chance.",
    SOME_SIGNS: "Some outcomes are on track, but the evidence does not yet show the "
    "interventions are the reason.",
}


@dataclass(frozen=True)
class Verdict:
    code: str

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def css(self) -> str:
        return CSS[self.code]

    @property
    def reason(self) -> str:
        return REASONS[self.code]


def improving_effect(effect: float, lower: float, upper: float, polarity: str) -> bool:
    """Whether an estimated effect is an improvement whose 95% interval excludes 0:
    a fall for a lower-is-better measure, a rise for a higher-is-better one."""
    if polarity == "lower":
        return upper < 0
    if polarity == "higher":
        return lower > 0
    return False


def verdict(statuses: list[str], concerns: int, improving_evaluations: int) -> Verdict:
    """The answer from the outcomes' statuses (tracking codes no_data, on_track,
    off_track, target_met), how many outcome charts show special cause of concern, and
    how many evaluations found an improving effect (see the module docstring)."""
    measured = [s for s in statuses if s != "no_data"]
    if not measured:
        return Verdict(TOO_EARLY)
    if concerns or all(s == "off_track" for s in measured):
        return Verdict(NOT_YET)
    if all(s in ("on_track", "target_met") for s in measured) and improving_evaluations:
        return Verdict(WORKING)
    return Verdict(SOME_SIGNS)
