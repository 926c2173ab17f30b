"""What changed between two INA versions: commentary diffs and findings added, removed
and changed, on their own and on the comparison page."""

import pytest
from django.urls import reverse

from needs_assessment.documents import actions
from needs_assessment.documents.compare import Piece, compare, word_diff
from tests.needs_assessment.test_documents_world import make_world

pytestmark = pytest.mark.django_db


def test_word_diff_marks_added_and_removed_words():
    pieces = word_diff("Diabetes is common.", "Diabetes is very common here.")
    assert Piece("added", "very ") in pieces or Piece("added", " very") in pieces
    assert "".join(p.text for p in pieces if p.kind != "removed") == (
        "Diabetes is very common here."
    )
    assert "".join(p.text for p in pieces if p.kind != "added") == "Diabetes is common."


def test_word_diff_of_equal_text_is_one_piece():
    assert word_diff("a b", "a b") == [Piece("same", "a b")]
    assert word_diff("", "") == []


@pytest.fixture
def versions(universe):
    world = make_world(universe)
    by = universe.commissioner
    actions.add_finding(
        assessment=world.v1,
        section="risk",
        title="Risk is concentrated",
        summary="The top 5% use half the cost.",
        evidence=[],
        by=by,
    )
    v2 = actions.create_assessment(
        cycle=world.cycles.current, profile=world.profile, title="North INA", by=by
    )
    actions.update_section(
        assessment=v2, key="prevalence", commentary="Diabetes is very common.", by=by
    )
    risk = v2.finding_links.get(section="risk")
    actions.remove_finding(link=risk, by=by)
    diabetes = v2.finding_links.get(section="prevalence")
    diabetes.finding.summary = "One in twelve registered people has diabetes."
    diabetes.finding.save()
    actions.add_finding(
        assessment=v2,
        section="underserved",
        title="GP contacts are low in Riverside East",
        summary="Ratio 0.82.",
        evidence=[{"measure": "isr:gp_contacts", "area": universe.neighbourhood.pk}],
        by=by,
    )
    return world, v2


def test_compare_finds_section_and_finding_changes(versions):
    world, v2 = versions
    result = compare(world.v1, v2)
    changed = {s.key: s for s in result.changed_sections}
    assert set(changed) == {"prevalence", "risk", "underserved"}
    prevalence = changed["prevalence"]
    assert prevalence.changed
    assert [p for p in prevalence.pieces if p.kind == "added"]
    assert len(prevalence.edited) == 1
    old, new = prevalence.edited[0]
    assert old.finding.summary != new.finding.summary
    assert [link.finding.title for link in changed["risk"].removed] == ["Risk is concentrated"]
    assert [link.finding.title for link in changed["underserved"].added] == [
        "GP contacts are low in Riverside East"
    ]
    assert not result.profile_changed and not result.title_changed


def test_compare_orders_versions_either_way(versions):
    world, v2 = versions
    assert compare(v2, world.v1).older == world.v1


def test_compare_follows_findings_across_several_versions(universe, versions):
    world, v2 = versions
    v3 = actions.create_assessment(
        cycle=world.cycles.current, profile=world.profile, title="North INA", by=universe.analyst
    )
    result = compare(world.v1, v3)
    prevalence = next(s for s in result.sections if s.key == "prevalence")
    assert not prevalence.added and not prevalence.removed and len(prevalence.edited) == 1


def test_compare_page(client_for, universe, versions):
    world, v2 = versions
    client = client_for(universe.commissioner)
    url = reverse("needs_assessment:ina-compare", args=[v2.pk])
    response = client.get(url, {"with": world.v1.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "What changed from version 1 to version 2" in html
    assert "app-ina-diff__added" in html and "very" in html
    assert "Risk is concentrated" in html and "Removed" in html
    assert "GP contacts are low in Riverside East" in html and "Added" in html
    # without ?with= the page compares with the version before
    assert client.get(url).status_code == 200


def test_compare_page_refuses_what_the_reader_cannot_see(client_for, universe, versions):
    world, v2 = versions
    actions.approve(assessment=v2, by=universe.commissioner)
    partner = client_for(universe.partner)
    url = reverse("needs_assessment:ina-compare", args=[v2.pk])
    assert partner.get(url, {"with": world.v1.pk}).status_code == 404  # v1 never approved
    assert client_for(universe.outsider).get(url, {"with": world.v1.pk}).status_code == 404
    assert client_for(universe.provider_a_rep).get(url).status_code == 404
