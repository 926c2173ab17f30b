"""Models of stage 4's feedback part: surveys of staff, communities and people using
services, their anonymous responses, and the themes free-text comments are coded with.

Responses hold no names or identifiers: only the respondent group fields used for
breakdowns (kind, place, age band) and the answers themselves.
"""

from django.conf import settings
from django.db import models

__all__ = [
    "Audience",
    "RespondentKind",
    "AgeBand",
    "ResponseSource",
    "FeedbackSurvey",
    "FeedbackResponse",
    "Theme",
    "Coding",
]


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    COMMUNITY = "community", "Communities"
    SERVICE_USERS = "service_users", "People using services"


class RespondentKind(models.TextChoices):
    STAFF = "staff", "Member of staff"
    COMMUNITY = "community", "Member of the community"
    SERVICE_USER = "service_user", "Person using services"
    CARER = "carer", "Carer or family member"
    OTHER = "other", "Other or not said"


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", "Under 18"
    AGE_18_34 = "18-34", "18 to 34"
    AGE_35_54 = "35-54", "35 to 54"
    AGE_55_74 = "55-74", "55 to 74"
    AGE_75_PLUS = "75+", "75 and over"


class ResponseSource(models.TextChoices):
    FORM = "form", "Online form in the app"
    PAPER = "paper", "Paper response entered by ICB staff"
    CSV = "csv", "Imported from a survey tool (CSV)"


class FeedbackSurvey(models.Model):
    """A survey an ICB runs. `questions` is a list of {"key", "kind", "text"} where kind is
    "likert" (5-point agree scale) or "text" (free text). A provider or partner
    organisation may be asked to collect responses (`provider`)."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="feedback_surveys",
        limit_choices_to={"level": "icb"},
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    questions = models.JSONField(default=list)
    interventions = models.ManyToManyField(
        "strategy.Intervention", blank=True, related_name="feedback_surveys"
    )
    outcomes = models.ManyToManyField(
        "strategy.Outcome", blank=True, related_name="feedback_surveys"
    )
    provider = models.ForeignKey(
        "commissioning.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_surveys",
        help_text="A provider or partner organisation asked to collect responses.",
    )
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["icb", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def likert_questions(self) -> list[dict]:
        return [q for q in self.questions if q["kind"] == "likert"]

    def text_questions(self) -> list[dict]:
        return [q for q in self.questions if q["kind"] == "text"]


class FeedbackResponse(models.Model):
    """One anonymous response: answers keyed by question key (Likert 1-5, text strings)."""

    survey = models.ForeignKey(FeedbackSurvey, on_delete=models.CASCADE, related_name="responses")
    respondent_kind = models.CharField(max_length=20, choices=RespondentKind.choices)
    area = models.ForeignKey(
        "commissioning.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True, default="")
    answers = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    submitted_by_organisation = models.ForeignKey(
        "commissioning.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organisation whose user entered the response (not the respondent).",
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        indexes = [models.Index(fields=["survey", "respondent_kind"])]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey_id}"


class Theme(models.Model):
    """A code for free-text comments: a survey's own, or the ICB-wide codebook (no survey)."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="feedback_themes",
        limit_choices_to={"level": "icb"},
    )
    survey = models.ForeignKey(
        FeedbackSurvey, null=True, blank=True, on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "survey", "name"], name="feedback_theme_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Coding(models.Model):
    """A theme applied to one free-text answer (response + question key)."""

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="codings")
    question_key = models.CharField(max_length=20)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    coded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "question_key", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_key", "theme"], name="feedback_coding_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme_id} on {self.response_id}/{self.question_key}"
