"""The history page and API: ICB staff read one record's changes; everyone else, and other
ICBs' staff, get 404; unknown kinds are 404."""

import pghistory
import pytest

from commissioning.models import Contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def retitled(universe):
    contract = universe.contract_a
    with pghistory.context(user=universe.commissioner.pk, url="/edit"):
        Contract.objects.filter(pk=contract.pk).update(title="Acute services 2026")
    return contract


def test_history_page_shows_who_changed_what_from_and_to(universe, client_for, retitled):
    response = client_for(universe.analyst).get(f"/history/contract/{retitled.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "commissioner" in page and "Acute services 2026" in page
    assert f'<td class="nhsuk-table__cell">{retitled.title}</td>' in page, "the old title"


def test_history_api_lists_changes_newest_first(universe, client_for, retitled):
    response = client_for(universe.commissioner).get(f"/api/v1/history/contract/{retitled.pk}/")
    assert response.status_code == 200
    (latest, *_) = response.json()
    assert latest["action"] == "update" and latest["username"] == "commissioner"
    assert latest["user"] == universe.commissioner.pk and latest["source"] == "/edit"
    assert latest["changes"] == [
        {"field": "title", "before": retitled.title, "after": "Acute services 2026"}
    ]


@pytest.mark.parametrize("persona", ["provider_a_rep", "provider_b_rep", "partner", "outsider"])
def test_history_is_refused_to_all_but_the_icbs_staff(universe, client_for, retitled, persona):
    client = client_for(getattr(universe, persona))
    assert client.get(f"/history/contract/{retitled.pk}/").status_code == 404
    assert client.get(f"/api/v1/history/contract/{retitled.pk}/").status_code == 404


def test_history_of_an_untracked_kind_or_anonymous_is_refused(universe, client, client_for):
    staff = client_for(universe.commissioner)
    assert staff.get("/history/person-record/1/").status_code == 404
    assert client.get(f"/history/contract/{universe.contract_a.pk}/").status_code == 302
    assert client.get(f"/api/v1/history/contract/{universe.contract_a.pk}/").status_code == 401
