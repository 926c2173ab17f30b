"""Exports of the INA: the Excel workbook and the printable page, always disclosure
controlled; formula-like text neutralised; and the figure rules they rest on."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commissioning.spreadsheets import neutralise
from commissioning.stats import wilson_interval
from needs_assessment.documents import actions
from needs_assessment.documents.figures import control, figure_from_row, measure_label
from needs_assessment.profile.controlled import control_rows
from tests.needs_assessment.test_documents_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(universe):
    return make_world(universe)


def _workbook(client, world):
    response = client.get(reverse("needs_assessment:ina-xlsx", args=[world.v1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _find_row(rows, first):
    return next(row for row in rows if row and row[0] == first)


def test_workbook_opens_with_a_sheet_per_section(client_for, universe, world):
    book = _workbook(client_for(universe.commissioner), world)
    assert book.sheetnames[:2] == ["About", "Findings"]
    assert "5 Long-term conditions" in book.sheetnames
    assert len(book.sheetnames) == 12
    about = _rows(book["About"])
    assert about[0][0] == "North INA"
    assert about[3][:2] == ["Commissioning cycle", "2026/27"]


def test_workbook_tables_are_controlled_even_for_the_commissioner(client_for, universe, world):
    book = _workbook(client_for(universe.commissioner), world)
    population = _rows(book["2 Our population"])
    assert _find_row(population, "North ICB")[1] == 1605  # 1603 rounded to 5
    ages = _find_row(population, "Age band")
    assert ages[1:3] == ["0-4", "*"]  # 3 people: suppressed
    prevalence = _rows(book["5 Long-term conditions"])
    header = _find_row(prevalence, "Condition")
    assert header[:6] == [
        "Condition",
        "People with the condition",
        "People",
        "Prevalence (%)",
        "Lower 95% limit",
        "Upper 95% limit",
    ]
    diabetes = _find_row(prevalence, "Diabetes")
    assert diabetes[1:3] == [120, 1605]
    assert diabetes[3] == pytest.approx(120 / 1605 * 100)  # from the rounded parts
    interval = wilson_interval(120, 1605, 0.95, per=100)
    lower, upper = interval.lower, interval.upper
    assert diabetes[4:6] == [pytest.approx(lower), pytest.approx(upper)]  # and its interval
    assert _find_row(prevalence, "COPD")[1:6] == ["*", 1605, "*", "*", "*"]  # 5 people
    activity = _rows(book["6 Use of services and cost"])
    assert _find_row(activity, "Elective admissions")[1:3] == ["*", "*"]  # 9 events
    emergency = _find_row(activity, "Emergency admissions")
    assert emergency[1:5] == [150, 9375.2, 7900.1, 11012.3]


def test_workbook_has_findings_and_commentary(client_for, universe, world):
    book = _workbook(client_for(universe.analyst), world)
    findings = _rows(book["Findings"])
    row = _find_row(findings, "Long-term conditions")
    assert row[1] == "Diabetes prevalence is high"
    assert row[3].startswith("Diabetes prevalence, North ICB: 7.5 (")
    assert _find_row(_rows(book["5 Long-term conditions"]), "Key findings")[1] == (
        "Diabetes is common."
    )


def test_workbook_neutralises_formula_like_text(client_for, universe, world):
    actions.add_finding(
        assessment=world.v1,
        section="risk",
        title='=HYPERLINK("http://evil.example","click")',
        summary="+1 then @SUM(A1) and -2",
        evidence=[],
        by=universe.commissioner,
    )
    actions.update_section(
        assessment=world.v1, key="risk", commentary="=1+1", by=universe.commissioner
    )
    book = _workbook(client_for(universe.commissioner), world)
    findings = book["Findings"]
    cells = [c for row in findings.iter_rows() for c in row if c.value]
    title = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert title.value.startswith("'=") and title.data_type == "s"
    summary = next(c for c in cells if "SUM" in str(c.value))
    assert summary.value.startswith("'+")
    assert not [
        c for row in book.worksheets for r in row.iter_rows() for c in r if c.data_type == "f"
    ]
    risk = _rows(book["4 Risk and forecast resource"])
    assert _find_row(risk, "Key findings")[1] == "'=1+1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-3, -3),
        ("*", "*"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_partner_workbook_of_an_approved_version(client_for, universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    book = _workbook(client_for(universe.partner), world)
    assert _find_row(_rows(book["2 Our population"]), "North ICB")[1] == 1605


def test_export_is_audited(client_for, universe, world):
    from commissioning.models import AuditEvent

    _workbook(client_for(universe.analyst), world)
    event = AuditEvent.objects.get(verb="needs_assessment.export")
    assert event.actor == universe.analyst and event.data["kind"] == "xlsx"


def test_print_page_is_controlled_and_has_no_navigation(client_for, universe, world):
    response = client_for(universe.commissioner).get(
        reverse("needs_assessment:ina-print", args=[world.v1.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-header" not in html and "nhsuk-breadcrumb" not in html
    assert "css/ina.css" in html and html.count("<h1") == 1
    assert "1,605" in html and "1,603" not in html
    assert "Write key findings" not in html and "Add a finding" not in html
    assert "Diabetes is common." in html


# --------------------------------------------------------------------------- figure rules


def _row(measure, **fields):
    base = {"area_id": 1, "breakdown": "", "category": "", "unit": "", "publishable": True}
    base |= dict.fromkeys(["numerator", "denominator", "value", "lower95", "upper95"])
    base |= {"lower998": None, "upper998": None, "comparison95": "", "comparison998": ""}
    return base | {"measure": measure, **fields}


def test_ina_control_is_the_profiles():
    rows = [
        _row("people", breakdown="age_band", category="0-4", value=3),
        _row("prevalence:x", breakdown="age_band", category="0-4", numerator=1, denominator=3),
        _row("people", value=1603),
        _row("dsr:x", numerator=9, denominator=1603, value=560.0, publishable=False),
    ]
    assert control(rows) == control_rows(rows)
    controlled = [figure_from_row(r, controlled=True) for r in control(rows)]
    assert [f.value for f in controlled] == ["*", "*", 1605, "*"]


def test_exact_figures_for_icb_staff():
    assert figure_from_row(_row("people", value=3)).value == 3


def test_figure_text_has_interval():
    row = _row(
        "prevalence:x", numerator=120, denominator=1603, value=7.486, lower95=6.29, upper95=8.89
    )
    assert str(figure_from_row(row, controlled=False)) == "7.5 (6.3 to 8.9)"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("prevalence:copd", "COPD prevalence"),
        ("dsr:emergency_admissions", "Emergency admissions"),
        ("sii:dsr:emergency_admissions", "Slope index of inequality: emergency admissions"),
        ("core20_gap:prevalence:diabetes", "Core20 gap: diabetes prevalence"),
        ("isr:some_new_thing", "Some new thing"),
    ],
)
def test_measure_labels(code, label):
    assert measure_label(code) == label
