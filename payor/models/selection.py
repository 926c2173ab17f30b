"""Stage 3 models: Provider Selection Regime (PSR) decision records and committees in
which providers have a formal role.

A PSR decision records the route, the key criteria assessed with their rationale, the
decision maker and conflicts of interest, then the notice of intention to award (which
sets the standstill end), representations and their outcome, the award and its
publication. Committees have members (ICB or provider organisations, optionally a named
user), meetings, papers and decision items; members declare interests per item, vote or
recommend, and the committee's decision is recorded.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.timezone import localdate

__all__ = [
    "PsrRoute",
    "PsrStatus",
    "PsrCriterionKind",
    "PsrDecision",
    "PsrCriterion",
    "RepresentationStatus",
    "PsrRepresentation",
    "Committee",
    "CommitteeMember",
    "CommitteeMeeting",
    "CommitteePaper",
    "DecisionItem",
    "InterestDeclaration",
    "VoteChoice",
    "CommitteeVote",
]


class PsrRoute(models.TextChoices):
    DIRECT_A = "direct_a", "Direct award process A"
    DIRECT_B = "direct_b", "Direct award process B"
    DIRECT_C = "direct_c", "Direct award process C"
    MOST_SUITABLE = "most_suitable", "Most suitable provider process"
    COMPETITIVE = "competitive", "Competitive process"


ROUTES_WITH_STANDSTILL = {PsrRoute.DIRECT_C, PsrRoute.MOST_SUITABLE, PsrRoute.COMPETITIVE}


class PsrStatus(models.TextChoices):
    DRAFT = "draft", "Decision recorded"
    NOTICE_PUBLISHED = "notice_published", "Notice of intention published (standstill)"
    AWARDED = "awarded", "Awarded"
    PUBLISHED = "published", "Award published"


class PsrCriterionKind(models.TextChoices):
    QUALITY = "quality", "Quality and innovation"
    VALUE = "value", "Value"
    INTEGRATION = "integration", "Integration, collaboration and service sustainability"
    ACCESS = "access", "Improving access, reducing health inequalities and facilitating choice"
    SOCIAL_VALUE = "social_value", "Social value"


class PsrDecision(models.Model):
    """One provider selection decision of an ICB under the PSR regulations 2023."""

    icb = models.ForeignKey(
        "commissioning.Area", on_delete=models.PROTECT, related_name="psr_decisions"
    )
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    service = models.CharField(max_length=200)
    route = models.CharField(max_length=20, choices=PsrRoute.choices)
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="psr_selections"
    )
    contract = models.ForeignKey(
        "commissioning.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="psr_decisions",
    )
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decision_maker = models.CharField(
        max_length=200, help_text="The committee or job titles of those who decided."
    )
    decided_on = models.DateField()
    conflicts_declared = models.TextField(blank=True, default="")
    conflicts_managed = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=PsrStatus.choices, default=PsrStatus.DRAFT)
    notice_published_at = models.DateTimeField(null=True, blank=True)
    standstill_ends_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    award_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "reference"], name="psr_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def has_standstill(self) -> bool:
        return self.route in ROUTES_WITH_STANDSTILL

    @property
    def standstill_last_day(self):
        """The last working day of the standstill (it ends at midnight at the end of it)."""
        if self.standstill_ends_at is None:
            return None
        return localdate(self.standstill_ends_at, ZoneInfo("Europe/London")) - timedelta(days=1)


class PsrCriterion(models.Model):
    """How a decision assessed one of the five key criteria (regulation 5), and why."""

    decision = models.ForeignKey(PsrDecision, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.CharField(max_length=20, choices=PsrCriterionKind.choices)
    assessment = models.CharField(max_length=200, help_text="The finding, e.g. 'strong'.")
    rationale = models.TextField()

    class Meta:
        ordering = ["decision", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "criterion"], name="psr_criterion_once_per_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.assessment}"


class RepresentationStatus(models.TextChoices):
    OPEN = "open", "Open (being considered)"
    CONTINUE = "continue", "Considered: award continues"
    UPHELD = "upheld", "Upheld: decision to be revisited"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PsrRepresentation(models.Model):
    """A representation made during the standstill period, and what came of it."""

    decision = models.ForeignKey(
        PsrDecision, on_delete=models.CASCADE, related_name="representations"
    )
    made_by = models.CharField(max_length=200)
    received_at = models.DateTimeField()
    summary = models.TextField()
    status = models.CharField(
        max_length=20, choices=RepresentationStatus.choices, default=RepresentationStatus.OPEN
    )
    outcome = models.TextField(blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.made_by} ({self.get_status_display()})"


class Committee(models.Model):
    """A committee of the ICB (e.g. a joint committee) in which providers have a role."""

    icb = models.ForeignKey("commissioning.Area", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "name"], name="committee_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member: an organisation (ICB or provider) and, optionally, the person sitting."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
    )
    role = models.CharField(max_length=60, default="Member")
    voting = models.BooleanField(default=True)

    class Meta:
        ordering = ["committee", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "organisation", "user"], name="committee_member_unique"
            )
        ]

    def __str__(self) -> str:
        who = self.user.get_full_name() or self.user.username if self.user_id else ""
        return f"{self.organisation.name}{' (' + who + ')' if who else ''}"


class CommitteeMeeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    held_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_at:%d %b %Y}"


class CommitteePaper(models.Model):
    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="")
    link = models.URLField(blank=True, default="")

    class Meta:
        ordering = ["meeting", "title"]

    def __str__(self) -> str:
        return self.title


class DecisionItem(models.Model):
    """An item a meeting decides: linked to a contract, a PSR decision or (by plain id) a
    resource-shift scenario of the scenarios part."""

    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    contract = models.ForeignKey(
        "commissioning.Contract", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    psr_decision = models.ForeignKey(
        PsrDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scenario_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Id of a resource-shift scenario (scenarios part)."
    )
    decision = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.title


class InterestDeclaration(models.Model):
    """A member's declared conflict of interest on one item: they cannot vote on it."""

    item = models.ForeignKey(DecisionItem, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="+")
    interest = models.TextField()
    how_managed = models.TextField(blank=True, default="")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="declaration_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.interest}"


class VoteChoice(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"


class CommitteeVote(models.Model):
    """A member's vote on an item, with an optional recommendation in words."""

    item = models.ForeignKey(DecisionItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    recommendation = models.TextField(blank=True, default="")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "cast_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="vote_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"
