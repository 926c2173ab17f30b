"""The coding page: free-text comments with their themes, manual coding and keyword
suggestions accepted as themes. ICB staff only (everyone else gets 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning import access
from evaluation.feedback import coding, forms, queries
from evaluation.feedback.keywords import suggest_groups
from evaluation.feedback.views import _crumbs, _staff_survey
from evaluation.models import Coding, FeedbackResponse, Theme


def _themes(user, survey):
    themes = access.visible_to(user, Theme).filter(icb_id=survey.icb_id)
    return themes.filter(survey__isnull=True) | themes.filter(survey=survey)


@login_required
def coding_page(request, pk):
    survey = _staff_survey(request, pk)
    comments = queries.comments(survey)
    suggestions = []
    if request.GET.get("suggest"):
        by_key = {(c["response"].pk, c["question_key"]): c for c in comments}
        groups = suggest_groups([(key, c["text"]) for key, c in by_key.items()])
        for group in groups:
            items = [by_key[key] for key in group["ids"]]
            suggestions.append(
                {
                    **group,
                    "examples": list(dict.fromkeys(c["text"] for c in items))[:3],
                    "count": len(items),
                    "items": items,
                }
            )
    context = {
        "survey": survey,
        "comments": comments,
        "themes": _themes(request.user, survey),
        "suggestions": suggestions,
        "theme_form": forms.ThemeForm(),
        "breadcrumbs": _crumbs(survey),
    }
    return render(request, "evaluation/feedback_coding.html", context)


def _back(pk, anchor=""):
    response = redirect("evaluation:feedback-coding", pk=pk)
    response["Location"] += anchor
    return response


@login_required
@require_POST
def coding_action(request, pk):
    survey = _staff_survey(request, pk)
    user, post = request.user, request.POST
    try:
        what = post.get("action")
        if what == "theme":
            coding.create_theme(
                by=user,
                survey=survey,
                name=post.get("name", ""),
                description=post.get("description", ""),
            )
            messages.success(request, "Theme added.")
        elif what == "assign":
            response = access.get_visible_or_404(
                user, FeedbackResponse.objects.filter(survey=survey), pk=post.get("response") or 0
            )
            theme = access.get_visible_or_404(
                user, _themes(user, survey), pk=post.get("theme") or 0
            )
            coding.assign_theme(
                by=user, response=response, question_key=post.get("question", ""), theme=theme
            )
            return _back(pk, f"#comment-{response.pk}-{post.get('question', '')}")
        elif what == "remove":
            found = access.get_visible_or_404(
                user, Coding.objects.filter(response__survey=survey), pk=post.get("coding") or 0
            )
            coding.remove_theme(by=user, coding=found)
            return _back(pk, f"#comment-{found.response_id}-{found.question_key}")
        elif what == "accept":
            pairs = [p.split(":", 1) for p in post.getlist("item") if ":" in p]
            keys = {q for _, q in pairs}
            for key in keys:
                ids = [int(r) for r, q in pairs if q == key and r.isdigit()]
                coding.accept_suggestion(
                    by=user,
                    survey=survey,
                    name=post.get("name", ""),
                    question_key=key,
                    response_ids=ids,
                )
            messages.success(
                request, f"Theme {post.get('name', '')!r} applied to {len(pairs):,} comments."
            )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    return _back(pk)
