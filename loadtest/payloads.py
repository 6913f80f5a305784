"""Random request bodies for the patient-tests API.

Kept free of Locust imports so the unit tests can check the bodies against the
API's validation rules without starting gevent.
"""

from __future__ import annotations

import random
import string
from datetime import UTC, date, datetime, timedelta
from typing import Any

GENDERS = ("male", "female", "other", "unknown")

# Load-test data is recognisable in the database by this last-name prefix (as in the seed).
LAST_NAME_PREFIX = "LT_"

_OLDEST_BIRTH_DATE = date(1920, 1, 1)


def random_text(length: int = 6) -> str:
    return "".join(random.choices(string.ascii_uppercase, k=length))


def random_digits(length: int) -> str:
    return "".join(random.choices(string.digits, k=length))


def random_birth_date(today: date | None = None) -> str:
    # Yesterday at the latest: the API rejects dates in the future, and "today"
    # differs between a load generator and a server in another time zone.
    latest = (today or date.today()) - timedelta(days=1)
    span = (latest - _OLDEST_BIRTH_DATE).days
    return (_OLDEST_BIRTH_DATE + timedelta(days=random.randint(0, span))).isoformat()


def new_patient() -> dict[str, Any]:
    first_name = random_text()
    last_name = f"{LAST_NAME_PREFIX}{random_text()}"
    return {
        "firstName": first_name,
        "lastName": last_name,
        "fullName": f"{first_name} {last_name}",
        "gender": random.choice(GENDERS),
        "dateOfBirth": random_birth_date(),
        "postCode": random_digits(4),
        "insuranceNumber": random_digits(10),
        "preferredContactNumber": random_digits(10),
    }


def invalid_patient() -> dict[str, Any]:
    # The seed's invalid body: required firstName, gender, dateOfBirth and postCode are missing.
    return {"lastName": "LT"}


def new_test(observation_count: int = 1) -> dict[str, Any]:
    issued = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {
        "performer": random_text(),
        "orderReference": random_text(),
        "observations": [
            {
                "id": random_text(),
                "code": random_text(),
                "measurement": random_text(),
                "interpretation": random_text(),
                "status": random_text(),
                "issued": issued,
            }
            for _ in range(observation_count)
        ],
    }
