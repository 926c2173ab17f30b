"""INA actions: versioning, approval rules, read-only after approval, one approved version
per cycle, findings approved with the INA, evidence checks and audit rows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent, FindingStage, FindingStatus
from needs_assessment.documents import actions, queries
from needs_assessment.models import INASection, INAStatus, NeedsAssessment, ProfileStatus
from tests.needs_assessment.test_documents_world import make_cycles, make_profile, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(universe):
    return make_world(universe)


def test_create_assessment_makes_version_1_with_every_section(universe, world):
    v1 = world.v1
    assert v1.version == 1 and v1.based_on is None and v1.status == INAStatus.DRAFT
    assert v1.icb == universe.north and v1.created_by == universe.commissioner
    assert set(v1.sections.values_list("key", flat=True)) == set(INASection.values)
    finding = world.link.finding
    assert finding.stage == FindingStage.NEEDS_ASSESSMENT
    assert finding.cycle == world.cycles.current and finding.status == FindingStatus.DRAFT
    assert world.link.evidence == [
        {
            "area": universe.north.pk,
            "measure": "prevalence:diabetes",
            "breakdown": "",
            "category": "",
        }
    ]


def test_next_version_copies_commentary_and_findings_and_supersedes_the_draft(universe, world):
    v2 = actions.create_assessment(
        cycle=world.cycles.current, profile=world.profile, title="North INA", by=universe.analyst
    )
    world.v1.refresh_from_db()
    assert v2.version == 2 and v2.based_on == world.v1
    assert world.v1.status == INAStatus.SUPERSEDED
    assert v2.sections.get(key="prevalence").commentary == "Diabetes is common."
    copy = v2.finding_links.get()
    assert copy.carried_from == world.link
    assert copy.finding != world.link.finding
    assert copy.finding.title == "Diabetes prevalence is high"
    assert copy.evidence == world.link.evidence
    world.link.finding.refresh_from_db()
    assert world.link.finding.status == FindingStatus.WITHDRAWN
    assert queries.current_version_of(world.link.finding) == copy.finding


def test_new_draft_after_approval_keeps_the_approved_version(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    v2 = actions.create_assessment(
        cycle=world.cycles.current, profile=world.profile, title="North INA", by=universe.analyst
    )
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.APPROVED and v2.status == INAStatus.DRAFT


def test_approve_records_who_and_when_and_approves_findings(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.APPROVED
    assert world.v1.approved_by == universe.commissioner and world.v1.approved_at is not None
    finding = world.link.finding
    finding.refresh_from_db()
    assert finding.status == FindingStatus.APPROVED
    assert finding.approved_by == universe.commissioner
    assert finding.approved_at == world.v1.approved_at
    event = AuditEvent.objects.filter(verb="needs_assessment.approve").get()
    assert event.actor == universe.commissioner and event.data["findings"] == 1


def test_one_approved_version_per_cycle(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    v2 = actions.create_assessment(
        cycle=world.cycles.current, profile=world.profile, title="North INA", by=universe.analyst
    )
    actions.approve(assessment=v2, by=universe.commissioner)
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.SUPERSEDED
    approved = NeedsAssessment.objects.filter(cycle=world.cycles.current, status="approved")
    assert list(approved) == [v2]
    world.link.finding.refresh_from_db()
    assert world.link.finding.status == FindingStatus.WITHDRAWN
    assert v2.finding_links.get().finding.status == FindingStatus.APPROVED


@pytest.mark.parametrize("persona", ["analyst", "partner", "provider_a_rep", "outsider"])
def test_only_commissioners_approve(universe, world, persona):
    with pytest.raises(PermissionDenied):
        actions.approve(assessment=world.v1, by=getattr(universe, persona))
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.DRAFT


def test_only_a_draft_can_be_approved(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    with pytest.raises(ValidationError, match="Only a draft can be approved"):
        actions.approve(assessment=world.v1, by=universe.commissioner)


def test_approval_needs_a_ready_profile(universe, world):
    world.profile.status = ProfileStatus.COMPUTING
    world.profile.save()
    with pytest.raises(ValidationError, match="not ready"):
        actions.approve(assessment=world.v1, by=universe.commissioner)
    assert NeedsAssessment.objects.get(pk=world.v1.pk).status == INAStatus.DRAFT


def test_approved_version_is_read_only(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    by = universe.commissioner
    with pytest.raises(ValidationError, match="read-only"):
        actions.update_section(assessment=world.v1, key="prevalence", commentary="x", by=by)
    with pytest.raises(ValidationError, match="read-only"):
        actions.update_summary(assessment=world.v1, title="New", summary="", by=by)
    with pytest.raises(ValidationError, match="read-only"):
        actions.add_finding(
            assessment=world.v1, section="risk", title="t", summary="s", evidence=[], by=by
        )
    with pytest.raises(ValidationError, match="read-only"):
        actions.remove_finding(link=world.link, by=by)
    assert world.v1.sections.get(key="prevalence").commentary == "Diabetes is common."
    assert world.v1.finding_links.count() == 1


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep", "outsider"])
def test_outsiders_cannot_write(universe, world, persona):
    user = getattr(universe, persona)
    with pytest.raises(PermissionDenied):
        actions.update_section(assessment=world.v1, key="risk", commentary="x", by=user)
    with pytest.raises(PermissionDenied):
        actions.create_assessment(
            cycle=world.cycles.current, profile=world.profile, title="x", by=user
        )


def test_create_refuses_another_icbs_profile(universe):
    cycles = make_cycles(universe)
    profile = make_profile(universe)
    profile.snapshot.icb = universe.south
    profile.snapshot.save()
    with pytest.raises(ValidationError) as error:
        actions.create_assessment(
            cycle=cycles.current, profile=profile, title="x", by=universe.commissioner
        )
    assert "another ICB" in str(error.value)
    assert not NeedsAssessment.objects.exists()


def test_create_refuses_a_blank_title_and_saves_nothing(universe):
    cycles = make_cycles(universe)
    profile = make_profile(universe)
    with pytest.raises(ValidationError) as error:
        actions.create_assessment(
            cycle=cycles.current, profile=profile, title="  ", by=universe.commissioner
        )
    assert error.value.message_dict == {"title": ["Enter a title."]}
    assert not NeedsAssessment.objects.exists()


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ([{"measure": "prevalence:gout"}], "Evidence 1: the needs profile has no figure"),
        ([{"measure": "people"}, {"nope": 1}], "Evidence 2: name a profile measure"),
        ([{"measure": "people", "colour": "red"}], "unknown keys colour"),
        ("people", "must be a list"),
    ],
)
def test_add_finding_checks_evidence(universe, world, evidence, message):
    with pytest.raises(ValidationError, match=message):
        actions.add_finding(
            assessment=world.v1,
            section="population",
            title="t",
            summary="s",
            evidence=evidence,
            by=universe.analyst,
        )
    assert world.v1.finding_links.count() == 1


def test_add_finding_refuses_an_area_of_another_icb(universe, world):
    with pytest.raises(ValidationError, match="no such area in this ICB"):
        actions.add_finding(
            assessment=world.v1,
            section="population",
            title="t",
            summary="s",
            evidence=[{"measure": "people", "area": universe.south.pk}],
            by=universe.analyst,
        )


def test_remove_finding_deletes_the_draft_finding(universe, world):
    finding_id = world.link.finding_id
    actions.remove_finding(link=world.link, by=universe.analyst)
    assert world.v1.finding_links.count() == 0
    from commissioning.models import Finding

    assert not Finding.objects.filter(pk=finding_id).exists()


def test_update_section_rejects_unknown_section_and_long_text(universe, world):
    with pytest.raises(ValidationError, match="no section called"):
        actions.update_section(assessment=world.v1, key="nope", commentary="", by=universe.analyst)
    with pytest.raises(ValidationError, match="at most"):
        actions.update_section(
            assessment=world.v1, key="risk", commentary="x" * 20_001, by=universe.analyst
        )


def test_every_write_is_audited(universe, world):
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "needs_assessment.create",
        "needs_assessment.update_section",
        "needs_assessment.add_finding",
    } <= verbs
