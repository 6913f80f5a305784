"""Request bodies and settings: what the locustfile sends must satisfy the API's rules."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest

import payloads
from settings import APIM_KEY_HEADER, FUNCTION_KEY_HEADER, SettingsError, settings_from_options

PATIENT_FIELDS = {
    "firstName",
    "lastName",
    "fullName",
    "gender",
    "dateOfBirth",
    "postCode",
    "insuranceNumber",
    "preferredContactNumber",
}


def test_generated_patients_pass_the_apis_validation_rules() -> None:
    for patient in (payloads.new_patient() for _ in range(500)):
        assert set(patient) == PATIENT_FIELDS  # unknown fields would be a 400
        assert 0 < len(patient["firstName"]) <= 64
        assert patient["gender"] in {"male", "female", "other", "unknown"}
        assert len(patient["postCode"]) == 4
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", patient["dateOfBirth"])
        assert date.fromisoformat(patient["dateOfBirth"]) < date.today()


def test_the_latest_birth_date_is_yesterday() -> None:
    today = date(2024, 3, 1)
    assert max(payloads.random_birth_date(today) for _ in range(2000)) <= "2024-02-29"


def test_the_invalid_patient_lacks_required_fields() -> None:
    assert not {"firstName", "gender", "dateOfBirth", "postCode"} & set(payloads.invalid_patient())


def test_a_generated_test_has_one_to_a_hundred_complete_observations() -> None:
    body = payloads.new_test(observation_count=3)
    assert set(body) == {"performer", "orderReference", "observations"}
    assert 1 <= len(body["observations"]) <= 100
    for observation in body["observations"]:
        assert set(observation) == {"id", "code", "measurement", "interpretation", "status", "issued"}
        assert datetime.fromisoformat(observation["issued"].replace("Z", "+00:00")).tzinfo is not None


def test_a_function_key_is_sent_as_x_functions_key() -> None:
    settings = settings_from_options(SimpleNamespace(function_key="k", subscription_key="", base_path="/api/"))
    assert dict(settings.headers) == {FUNCTION_KEY_HEADER: "k"}


def test_a_subscription_key_is_sent_as_the_apim_header() -> None:
    settings = settings_from_options(SimpleNamespace(function_key="", subscription_key="s", base_path="/"))
    assert dict(settings.headers) == {APIM_KEY_HEADER: "s"}


@pytest.mark.parametrize(
    ("function_key", "subscription_key", "base_path", "message"),
    [
        ("", "", "/api/", "no key"),
        ("k", "s", "/api/", "not both"),
        ("k", "", "api", "base path"),
    ],
)
def test_unusable_settings_are_rejected_with_the_reason(
    function_key: str, subscription_key: str, base_path: str, message: str
) -> None:
    options = SimpleNamespace(function_key=function_key, subscription_key=subscription_key, base_path=base_path)
    with pytest.raises(SettingsError, match=message):
        settings_from_options(options)
