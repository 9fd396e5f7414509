"""Settings: secrets refused at their defaults outside development; policies per municipality."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kernel.policy import MunicipalityPolicy
from kernel.settings import DEVELOPMENT_SECRET, Settings
from matcher.policy import Policy


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


def test_the_matching_rules_are_the_matchers_policy_with_its_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One model, one set of defaults; the settings switch only the deadline rule on."""
    policy = MunicipalityPolicy()
    assert policy.matching == Policy(require_available_by_deadline=True)
    assert policy.affordability.min_left_per_adult_dkk == Policy().min_left_per_adult_dkk
    assert policy.problem_policy() == {
        "max_rent_share": 0.5,
        "min_left_per_adult_dkk": 3500,
        "min_left_per_child_dkk": 2000,
        "youth_age_limit": 30,
        "require_available_by_deadline": True,
    }
    monkeypatch.setenv(
        "BOLIGMATCH_MUNICIPALITY_POLICIES",
        '{"461": {"matching": {"youth_age_limit": 26, "max_persons_per_room": 3}}}',
    )
    odense = Settings().policy_for("461")
    assert odense.matching.youth_age_limit == 26
    assert odense.matching.require_available_by_deadline  # the settings' default kept
    assert odense.problem_policy()["max_persons_per_room"] == 3


def test_the_first_spelling_is_still_read() -> None:
    """``affordability``, ``youth_max_age`` (oldest admitted) and ``deadline_rule``."""
    policy = MunicipalityPolicy.model_validate(
        {"affordability": {"max_rent_share": 0.4}, "youth_max_age": 25, "deadline_rule": False}
    )
    assert policy.matching.max_rent_share == 0.4
    assert policy.matching.youth_age_limit == 26  # the first age refused
    assert not policy.matching.require_available_by_deadline
    with pytest.raises(ValidationError, match="youth_age_limit"):
        MunicipalityPolicy.model_validate(
            {"youth_max_age": 25, "matching": {"youth_age_limit": 26}}
        )
    with pytest.raises(ValidationError, match="unknown"):
        MunicipalityPolicy.model_validate({"affordability": {"min_left": 1}})


def test_nested_environment_variables_in_either_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    """``BOLIGMATCH_DEFAULT_POLICY__...`` values arrive as text and are read as numbers."""
    monkeypatch.setenv("BOLIGMATCH_DEFAULT_POLICY__AFFORDABILITY__MIN_LEFT_PER_ADULT_DKK", "4000")
    monkeypatch.setenv("BOLIGMATCH_DEFAULT_POLICY__YOUTH_MAX_AGE", "25")
    monkeypatch.setenv("BOLIGMATCH_DEFAULT_POLICY__MATCHING__MAX_RENT_SHARE", "0.4")
    matching = Settings().default_policy.matching
    assert matching.min_left_per_adult_dkk == 4000
    assert matching.youth_age_limit == 26
    assert matching.max_rent_share == 0.4
    assert matching.require_available_by_deadline
