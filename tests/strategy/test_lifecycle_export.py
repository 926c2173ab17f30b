"""The workbook and the printable page: contents, disclosure control of counts of people
for everyone, formula-like text neutralised, frozen content for approved strategies."""

import io

import pytest
from openpyxl import load_workbook

from commissioning.spreadsheets import XLSX_CONTENT_TYPE, neutralise
from strategy.lifecycle import actions, content, document, export
from strategy.models import StrategyStatus
from tests import factories as f
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
S = StrategyStatus


@pytest.fixture
def plan(universe):
    strategy = sf.StrategyFactory(icb=universe.north, title="North PHIP")
    need = sf.CriterionFactory(strategy=strategy, code="scale_of_need", name="Scale of need")
    member = sf.PanelMemberFactory(strategy=strategy, name="Dr Ade")
    frailty = sf.PriorityFactory(
        strategy=strategy, title='=HYPERLINK("http://x")', cohort_size=1203
    )
    falls = sf.PriorityFactory(strategy=strategy, title="Falls", cohort_size=6)
    sf.ScoreFactory(priority=frailty, criterion=need, member=member, score=5)
    sf.ScoreFactory(priority=falls, criterion=need, member=member, score=2)
    outcome = sf.OutcomeFactory(
        priority=frailty, indicator=f.IndicatorFactory(name="Emergency admissions"),
        baseline_value=1000.0, target_value=850.0,
    )  # fmt: skip
    sf.InterventionFactory(
        priority=frailty, outcome=outcome, name="+Falls service", cohort_size=3,
        expected_effect=-0.15,
    )  # fmt: skip
    sf.EngagementActivityFactory(strategy=strategy, title="@Listening event", participants=12)
    sf.PathwayStageFactory(pathway=sf.CarePathwayFactory(strategy=strategy, name="Frailty"))
    return strategy


def sheet_rows(data: bytes, name: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data))
    return list(book[name].iter_rows(values_only=True))


def test_workbook_has_a_sheet_for_each_part(universe, plan):
    data = export.workbook(plan, content.build(plan), None, "Not approved")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "About",
        "Priorities and ranking",
        "Outcomes and trajectories",
        "Interventions",
        "Care pathways",
        "Engagement",
    ]
    outcomes = sheet_rows(data, "Outcomes and trajectories")
    header = outcomes[2]
    assert header[-5:] == tuple(
        f"Trajectory {y}" for y in ("2026/27", "2027/28", "2028/29", "2029/30", "2030/31")
    )
    assert outcomes[3][1] == "Emergency admissions"
    assert outcomes[3][-5:] == (970.0, 940.0, 910.0, 880.0, 850.0)
    about = {row[0]: row[1] for row in sheet_rows(data, "About")[2:]}
    assert about["Status"] == "Draft" and "rounded to the nearest 5" in about["Disclosure control"]


def test_counts_of_people_are_controlled_and_formulas_neutralised(universe, plan):
    data = export.workbook(plan, content.build(plan), None, "Not approved")
    priorities = sheet_rows(data, "Priorities and ranking")
    assert priorities[3][:5] == (1, '\'=HYPERLINK("http://x")', 100.0, "Everyone", 1205)
    assert priorities[4][:5] == (2, "Falls", 25.0, "Everyone", "*")
    interventions = sheet_rows(data, "Interventions")
    assert interventions[3][1] == "'+Falls service" and interventions[3][4] == "*"
    assert interventions[3][7] == -0.15
    engagement = sheet_rows(data, "Engagement")
    assert engagement[3][1] == "'@Listening event" and engagement[3][4] == 10
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_neutralise_leaves_numbers_and_plain_text():
    assert neutralise("-15%") == "'-15%"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("Falls") == "Falls"
    assert neutralise(-0.15) == -0.15 and neutralise(None) is None


def test_the_reader_document_orders_priorities_by_rank_and_controls_counts(universe, plan):
    doc = document.document(content.build(plan), controlled=True)
    assert [p["rank"] for p in doc["priorities"]] == [1, 2]
    assert doc["priorities"][0]["people"] == "1,205" and doc["priorities"][1]["people"] == "*"
    assert doc["outcomes"][0]["baseline_label"] == "1,000.0 (1,100.0 to 1,300.0)"
    exact = document.document(content.build(plan), controlled=False)
    assert exact["priorities"][0]["people"] == "1,203"


def test_an_approved_strategy_exports_its_frozen_version(universe, client_for, plan):
    who = universe.commissioner
    for status in (S.CONSULTATION, S.APPROVED):
        actions.move_to(strategy=plan, status=status, by=who)
    response = client_for(who).get(f"/strategy/strategies/{plan.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="strategy-E54000001-2026-v1.xlsx"' in response["Content-Disposition"]
    about = {row[0]: row[1] for row in sheet_rows(response.content, "About")[2:]}
    assert about["Version"] == 1 and about["Approval"].startswith("Approved by commissioner")
