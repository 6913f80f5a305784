"""Target settings of a load test run, parsed once from Locust's options.

Kept free of Locust imports so the rules (exactly one key, well-formed base
path) are unit-tested on a plain namespace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

APIM_KEY_HEADER = "Ocp-Apim-Subscription-Key"
FUNCTION_KEY_HEADER = "x-functions-key"


class SettingsError(ValueError):
    """The options cannot describe a run; the message lists every problem."""


@dataclass(frozen=True)
class ApiSettings:
    base_path: str
    headers: Mapping[str, str]


def settings_from_options(options: Any) -> ApiSettings:
    """Builds the settings from an object with base_path, subscription_key and function_key."""
    subscription_key = (getattr(options, "subscription_key", "") or "").strip()
    function_key = (getattr(options, "function_key", "") or "").strip()
    base_path = (getattr(options, "base_path", "") or "").strip()

    problems: list[str] = []
    if subscription_key and function_key:
        # Sending both would hide which gate was actually exercised.
        problems.append("set either LOCUST_SUBSCRIPTION_KEY (API Management) or LOCUST_FUNCTION_KEY, not both")
    if not subscription_key and not function_key:
        problems.append("no key: set LOCUST_SUBSCRIPTION_KEY (API Management) or LOCUST_FUNCTION_KEY (function app)")
    if not base_path.startswith("/") or not base_path.endswith("/"):
        problems.append(f"base path must start and end with '/', got {base_path!r}")
    if problems:
        raise SettingsError("; ".join(problems))

    header = (APIM_KEY_HEADER, subscription_key) if subscription_key else (FUNCTION_KEY_HEADER, function_key)
    return ApiSettings(base_path=base_path, headers=MappingProxyType(dict([header])))
