"""Settings: secrets refused at their defaults outside development; policies per municipality."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kernel.settings import DEVELOPMENT_SECRET, MunicipalityPolicy, Settings


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
    monkeypatch.setenv("BOLIGMATCH_CPR_HASH_SECRET", DEVELOPMENT_SECRET)
    monkeypatch.setenv("BOLIGMATCH_JWT_SECRET", "x" * 40)
    with pytest.raises(ValidationError, match="BOLIGMATCH_CPR_HASH_SECRET"):
        Settings()


def test_production_accepts_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
    monkeypatch.setenv("BOLIGMATCH_CPR_HASH_SECRET", "c" * 40)
    monkeypatch.setenv("BOLIGMATCH_JWT_SECRET", "j" * 40)
    assert Settings().environment == "production"


def test_municipality_policy_overrides_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "BOLIGMATCH_MUNICIPALITY_POLICIES",
        '{"461": {"answer_deadline_days": 7, "affordability": {"min_left_per_adult_dkk": 4000}}}',
    )
    settings = Settings()
    odense = settings.policy_for("461")
    assert odense.answer_deadline_days == 7
    assert odense.affordability.min_left_per_adult_dkk == 4000
    assert odense.affordability.min_left_per_child_dkk == 2000  # default kept
    assert settings.policy_for("101") == MunicipalityPolicy()  # the documented defaults


def test_unknown_policy_field_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_MUNICIPALITY_POLICIES", '{"461": {"answer_days": 7}}')
    with pytest.raises(ValidationError, match="answer_days"):
        Settings()
