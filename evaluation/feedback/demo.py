"""Demo data for the feedback part: a community survey about the demo strategy's first
intervention, ~150 responses imported as a survey tool's CSV, and a few coded themes."""

from __future__ import annotations

import csv
import io
import random

from commissioning.models import Area
from evaluation.feedback import actions, coding
from evaluation.models import FeedbackSurvey
from strategy.models import Intervention

TITLE = "Community feedback on local health services 2025/26"
STATEMENTS = [
    "I can get help from my GP practice when I need it",
    "Services in my area understand my needs",
    "I know where to go for support to stay well",
]
COMMENT_QUESTION = "What one thing would most improve services for you?"
COMMENTS = {
    "Waiting times": [
        "Waiting times for a GP appointment are far too long",
        "The waiting times to see anyone are getting worse",
        "Long waiting times on the phone every morning at 8am",
        "Shorter waiting times for mental health support",
    ],
    "Transport and access": [
        "There is no bus to the health centre from our estate",
        "Parking at the hospital is impossible and expensive",
        "Better transport to appointments for older people",
    ],
    "Communication": [
        "Nobody tells you what is happening with your referral",
        "Letters arrive after the appointment date",
        "Text reminders and clear information would really help",
    ],
    "Positive experiences": [
        "The community nurses were kind and listened to me",
        "The new health hub staff have been brilliant",
    ],
}
KINDS = ["Person using services"] * 5 + ["Member of the community"] * 3 + ["Carer or family member"]
AGES = ["18-34", "35-54", "55-74", "75+", ""]


def _csv(places: list[str], rng: random.Random, n: int = 150) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ID", *STATEMENTS, COMMENT_QUESTION, "Respondent type", "Area", "Age band"])
    labels = [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    for i in range(1, n + 1):
        scores = [min(5, max(1, round(rng.gauss(mean, 1.0)))) for mean in (2.8, 3.4, 3.7)]
        answers = [labels[s - 1] if rng.random() > 0.05 else "" for s in scores]
        theme = rng.choice(list(COMMENTS))
        comment = rng.choice(COMMENTS[theme]) if rng.random() < 0.6 else ""
        place = rng.choice(places) if places and rng.random() < 0.8 else ""
        writer.writerow([i, *answers, comment, rng.choice(KINDS), place, rng.choice(AGES)])
    return out.getvalue()


def seed_demo(*, icb, by) -> str:
    """Add the demo survey to `icb` (once): returns a one-line summary."""
    existing = FeedbackSurvey.objects.filter(icb=icb, title=TITLE).first()
    if existing:
        return f"feedback: survey already there ({existing.responses.count()} responses)"
    intervention = Intervention.objects.filter(priority__strategy__icb=icb).order_by("pk").first()
    survey = actions.create_survey(
        by=by,
        title=TITLE,
        audience="community",
        description="Asked at community events and online in autumn 2025.",
        questions=actions.build_questions(STATEMENTS, [COMMENT_QUESTION]),
        interventions=[intervention] if intervention else [],
        outcomes=[intervention.outcome] if intervention and intervention.outcome else [],
    )
    places = list(Area.objects.filter(icb=icb, level="place").values_list("name", flat=True))
    count = actions.import_responses(by=by, survey=survey, text=_csv(places, random.Random(6)))
    key = survey.text_questions()[0]["key"]
    coded = 0
    for name, examples in COMMENTS.items():
        theme = coding.create_theme(by=by, survey=survey, name=name)
        for response in survey.responses.all():
            if response.answers.get(key) in examples:
                coding.assign_theme(by=by, response=response, question_key=key, theme=theme)
                coded += 1
    return f"feedback: 1 survey, {count} responses, {len(COMMENTS)} themes, {coded} codings"
