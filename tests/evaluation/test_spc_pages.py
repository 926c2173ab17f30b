"""The SPC pages of stage 4: the chart, its switches, the icon summary and who sees what."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f

STEADY = [7.0, 13.0, 8.0, 12.0, 9.0, 14.0, 6.0, 11.0, 10.0, 13.0, 7.0, 12.0, 8.0, 14.0, 9.0]


def month_end(index: int) -> date:
    year, month = divmod(index, 12)
    start = date(2024 + year, month + 1, 1)
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def make_series(indicator, values, *, area=None, provider=None):
    for index, value in enumerate(values):
        end = month_end(index)
        f.IndicatorValueFactory(
            indicator=indicator,
            area=area,
            provider=provider,
            period_start=end.replace(day=1),
            period_end=end,
            value=value,
        )


def chart_url(indicator, kind, owner):
    return reverse("evaluation:spc-chart", args=[indicator.code, kind, owner.pk])


@pytest.fixture
def series(universe):
    """North's place: 15 steady points and one far above (lower is better: a concern)."""
    indicator = f.IndicatorFactory(code="ADM", name="Emergency admissions", polarity="lower")
    make_series(indicator, [*STEADY, 40.0], area=universe.place)
    return indicator


def test_chart_shows_the_special_cause(universe, client_for, series):
    response = client_for(universe.commissioner).get(chart_url(series, "area", universe.place))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Outside the process limits" in html
    assert "Special cause variation: concern, from higher values" in html
    assert 'data-plotly-figure="spc-figure"' in html
    assert "vendor/plotly/plotly.min.js" in html
    assert "<script>" not in html
    result = response.context["result"]
    assert result.points["rule"].iloc[-1] == "outside_limits"
    assert result.points["special_cause"].sum() == 1
    figure = response.context["figure"]
    names = [trace["name"] for trace in figure["data"]]
    assert "Special cause: concern" in names
    concern = next(t for t in figure["data"] if t["name"] == "Special cause: concern")
    assert concern["y"] == [40.0]
    assert concern["marker"]["color"] == "#c25e00"
    assert {"Mean", "Upper process limit", "Upper near line"} <= set(names)
    near = next(t for t in figure["data"] if t["name"] == "Upper near line")
    assert near["line"]["dash"] == "dot"


def test_higher_is_better_colours_the_same_point_as_improvement(universe, client_for):
    indicator = f.IndicatorFactory(polarity="higher")
    make_series(indicator, [*STEADY, 40.0], area=universe.place)
    response = client_for(universe.analyst).get(chart_url(indicator, "area", universe.place))
    assert "Special cause variation: improvement, from higher values" in response.content.decode()
    names = [trace["name"] for trace in response.context["figure"]["data"]]
    assert "Special cause: improvement" in names


def test_fix_after_changes_the_limits(universe, client_for, series):
    client = client_for(universe.commissioner)
    url = chart_url(series, "area", universe.place)
    default = client.get(url).context["result"]
    fixed = client.get(url, {"fix_after": "12"}).context["result"]
    assert fixed.ucl != pytest.approx(default.ucl)
    assert fixed.segments["baseline_points"].iloc[0] == 12
    assert default.segments["baseline_points"].iloc[0] == 16


def test_target_gives_an_assurance_icon_and_a_line(universe, client_for, series):
    client = client_for(universe.commissioner)
    response = client.get(chart_url(series, "area", universe.place), {"target": "100"})
    assert response.context["result"].assurance_icon == "pass"
    assert "The process is expected to pass the target consistently" in response.content.decode()
    names = [trace["name"] for trace in response.context["figure"]["data"]]
    assert "Target" in names


def test_other_switches_reach_xmr(universe, client_for, series):
    client = client_for(universe.commissioner)
    params = {
        "rebase_at": "2024-09-01",
        "screen_outliers": "off",
        "run_length": "6",
        "two_of_three": "older",
    }
    response = client.get(chart_url(series, "area", universe.place), params)
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.segments) == 2
    assert result.segments["start"].tolist() == [0, 8]
    assert "segment 2" in response.content.decode()


def test_fix_after_beyond_the_series_shows_the_error(universe, client_for, series):
    client = client_for(universe.commissioner)
    response = client.get(chart_url(series, "area", universe.place), {"fix_after": "40"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "fix_after=40 is more than the 16 points" in html
    assert "The chart below uses the default settings" in html
    assert response.context["result"].segments["baseline_points"].iloc[0] == 16


def test_bad_date_and_run_length_are_field_errors(universe, client_for, series):
    client = client_for(universe.commissioner)
    url = chart_url(series, "area", universe.place)
    response = client.get(url, {"rebase_at": "next spring", "run_length": "5"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "is not a date" in html
    assert "Select a valid choice" in html


def test_summary_lists_the_series_with_its_icon(universe, client_for, series):
    short = f.IndicatorFactory(name="New measure")
    make_series(short, [5.0], area=universe.place)
    response = client_for(universe.commissioner).get(reverse("evaluation:spc-summary"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [(row["series"].indicator.code, row["series"].owner_name) for row in rows] == [
        ("ADM", "Riverside")
    ]
    assert rows[0]["variation"]["code"] == "concern_high"
    assert chart_url(series, "area", universe.place) in html
    assert "Special cause variation: concern, from higher values" in html
    assert [row["series"].indicator.code for row in response.context["outliers"]] == ["ADM"]
    assert 'id="outliers"' in html
    assert "New measure, Riverside: 1 point" in html


def test_summary_without_outliers_says_so(universe, client_for):
    indicator = f.IndicatorFactory()
    make_series(indicator, STEADY, area=universe.place)
    response = client_for(universe.commissioner).get(reverse("evaluation:spc-summary"))
    assert "No series has a latest point of special cause concern" in (response.content.decode())
    assert response.context["rows"][0]["variation"]["code"] == "common_cause"


def test_landing_links_to_the_summary(universe, client_for):
    response = client_for(universe.partner).get(reverse("evaluation:landing"))
    html = response.content.decode()
    for name in ("spc-summary", "dashboard", "tracking", "plans", "performance-list",
                 "feedback-list", "loop-cycles", "tracking-indicator-data"):  # fmt: skip
        assert reverse(f"evaluation:{name}") in html


# --------------------------------------------------------------------------- access


@pytest.fixture
def provider_series(universe):
    indicator = f.IndicatorFactory(code="WAIT", name="Waiting times", polarity="lower")
    make_series(indicator, STEADY, provider=universe.provider_a)
    make_series(indicator, STEADY, provider=universe.provider_b)
    return indicator


def test_outsider_gets_404_on_another_icbs_series(universe, client_for, series, provider_series):
    client = client_for(universe.outsider)
    assert client.get(chart_url(series, "area", universe.place)).status_code == 404
    assert client.get(chart_url(provider_series, "provider", universe.provider_a)).status_code == (
        404
    )
    assert client.get(reverse("evaluation:spc-summary")).context["rows"] == []


def test_provider_sees_only_its_own_series(universe, client_for, series, provider_series):
    client = client_for(universe.provider_a_rep)
    assert client.get(chart_url(provider_series, "provider", universe.provider_a)).status_code == (
        200
    )
    assert client.get(chart_url(provider_series, "provider", universe.provider_b)).status_code == (
        404
    )
    assert client.get(chart_url(series, "area", universe.place)).status_code == 404
    rows = client.get(reverse("evaluation:spc-summary")).context["rows"]
    assert [(row["series"].kind, row["series"].owner_name) for row in rows] == [
        ("provider", "Provider A Hospitals")
    ]


def test_partner_sees_area_series_but_not_providers(universe, client_for, series, provider_series):
    client = client_for(universe.partner)
    assert client.get(chart_url(series, "area", universe.place)).status_code == 200
    assert client.get(chart_url(provider_series, "provider", universe.provider_a)).status_code == (
        404
    )


def test_commissioner_sees_contracted_providers(universe, client_for, provider_series):
    rows = client_for(universe.commissioner).get(reverse("evaluation:spc-summary")).context["rows"]
    assert {row["series"].owner_name for row in rows} == {
        "Provider A Hospitals",
        "Provider B Community",
    }


def test_unknown_kind_and_breakdowns_are_not_series(universe, client_for, series):
    client = client_for(universe.commissioner)
    url = reverse("evaluation:spc-chart", args=["ADM", "lsoa", universe.place.pk])
    assert client.get(url).status_code == 404
    f.IndicatorValueFactory(
        indicator=series, area=universe.neighbourhood, breakdown="sex", category="Female"
    )
    assert client.get(chart_url(series, "area", universe.neighbourhood)).status_code == 404


@pytest.mark.parametrize("name", ["landing", "spc-summary"])
def test_anonymous_is_sent_to_sign_in(db, client, name):
    response = client.get(reverse(f"evaluation:{name}"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_anonymous_chart_is_sent_to_sign_in(universe, client, series):
    response = client.get(chart_url(series, "area", universe.place))
    assert response.status_code == 302
    assert "login" in response["Location"]
