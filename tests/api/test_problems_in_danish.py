"""Refusals that used to carry an English sentence read in Danish by default, over HTTP.

Each problem is asked for twice through the ASGI app: without ``Accept-Language``
(Danish, the service's language) and with ``Accept-Language: en``, whose detail must
be the English sentence clients have always received.
"""

from __future__ import annotations

from typing import Any

from api_testkit import Api

PROBLEMS = "https://boligmatch.dk/problems/"


def _both(api: Api, who: str | None, method: str, path: str, **kwargs: Any) -> tuple[Any, Any]:
    """The same request in Danish (no header) and in English."""
    headers = kwargs.pop("headers", {})
    danish = api.request(who, method, path, headers=headers, **kwargs)
    english = api.request(who, method, path, headers={**headers, "Accept-Language": "en"}, **kwargs)
    assert danish.status_code == english.status_code
    assert danish.headers["content-language"] == "da"
    assert english.headers["content-language"] == "en"
    return danish.json(), english.json()


def test_missing_and_bad_credentials_are_refused_in_danish(api: Api) -> None:
    danish, english = _both(api, None, "GET", "/api/v1/cases")
    assert danish["status"] == 401 and danish["type"] == PROBLEMS + "unauthorized"
    assert (danish["title"], danish["detail"]) == (
        "Ikke logget ind",
        "Send et bearer-token eller en X-API-Key-header.",
    )
    assert (english["title"], english["detail"]) == (
        "Unauthorized",
        "Send a bearer token or an X-API-Key header.",
    )
    danish, english = _both(
        api, None, "GET", "/api/v1/vacancies", headers={"X-API-Key": "bm_nothing_here"}
    )
    assert (danish["detail"], english["detail"]) == (
        "API-nøglen er ikke gyldig.",
        "The API key is not valid.",
    )


def test_a_wrong_role_is_told_which_role_in_danish_words(api: Api) -> None:
    danish, english = _both(api, "staff", "POST", "/api/v1/vacancies/import")
    assert danish["status"] == 403
    assert (danish["title"], danish["detail"]) == (
        "Ingen adgang",
        "Det kræver rollen administrator eller boligorganisation.",
    )
    assert (english["title"], english["detail"]) == (
        "Forbidden",
        "This needs the role admin or association.",
    )


def test_a_home_reported_twice_is_refused_in_danish(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    unit_id = api.request("association", "GET", f"/api/v1/vacancies/{vacancy_id}").json()["unit"][
        "id"
    ]
    body = {"unit_id": unit_id, "available_from": "2027-02-01"}
    danish, english = _both(api, "association", "POST", "/api/v1/vacancies", json=body)
    assert danish["status"] == 409 and danish["type"] == PROBLEMS + "vacancy-exists"
    assert (danish["title"], danish["detail"]) == (
        "Boligen er allerede meldt ledig",
        f"Boligen er allerede meldt ledig eller tilbudt (id {vacancy_id}).",
    )
    assert (english["title"], english["detail"]) == (
        "Vacancy already reported",
        f"The unit already has an open or offered vacancy (id {vacancy_id}).",
    )
