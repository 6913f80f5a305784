"""Load test of the patient-tests API (Locust 2.x).

The scenario is the seed's (src/LoadTest, written for Locust 0.14), ported to
Locust 2: seven groups of equal weight, each 9 : 1 between the happy path and
the negative case the API must answer with 400/404. Request names are the
seed's, so the CSV rows of a run compare line by line with its published ones.

Each seed scenario is a tag, so one group can run alone, as the seed's
per-scenario Locust classes allowed:  locust ... --tags create_patient

Settings (command line flag / environment variable):
  --host               LOCUST_HOST               e.g. http://localhost:7071 or https://<apim>.azure-api.net
  --base-path          LOCUST_BASE_PATH          route prefix before "patient" (default /api/)
  --subscription-key   LOCUST_SUBSCRIPTION_KEY   API Management key (Ocp-Apim-Subscription-Key)
  --function-key       LOCUST_FUNCTION_KEY       function key for a direct call (x-functions-key)
  --correlation-log    LOCUST_CORRELATION_LOG    CSV of correlation ids of successful responses
  --profile            LOADTEST_PROFILE          seed: the seed's 1-5 s think time (default);
                                                 stress: no think time, each user sends back to back
Exactly one of the two keys must be set.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, between, constant, events, tag, task
from locust import stats as locust_stats
from locust.argument_parser import LocustArgumentParser
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment
from locust.runners import WorkerRunner

import payloads
from correlations import CorrelationLog
from settings import ApiSettings, SettingsError, settings_from_options

# The seed's "unknown" id: not a uuid, so reads answer 404 and creating a test answers 400.
UNKNOWN_ID = "1"

# Bounded so that a long soak does not grow memory without limit.
POOL_SIZE = 10_000


class IdPool:
    """Ids created during the run, shared by all users of this process (as in the seed)."""

    def __init__(self, size: int = POOL_SIZE) -> None:
        self._size = size
        self._items: list[Any] = []

    def add(self, item: Any) -> None:
        if len(self._items) < self._size:
            self._items.append(item)
        else:
            # Overwrite a random slot: keeps a mix of old and new ids once full.
            self._items[random.randrange(self._size)] = item

    def pick(self) -> Any | None:
        return random.choice(self._items) if self._items else None


# Think time between one user's requests, per profile: the seed's, or none at all (a stress test
# of what the stack sustains, where the users' number is the concurrency).
THINK_TIMES = {"seed": between(1, 5), "stress": constant(0)}

patient_ids = IdPool()
patient_tests = IdPool()  # (patient id, test id) pairs


@events.init_command_line_parser.add_listener
def _add_arguments(parser: LocustArgumentParser) -> None:
    parser.add_argument(
        "--base-path",
        env_var="LOCUST_BASE_PATH",
        default="/api/",
        help="Route prefix before 'patient': /api/ for a function app, the API's URL suffix behind API Management.",
    )
    parser.add_argument(
        "--subscription-key",
        env_var="LOCUST_SUBSCRIPTION_KEY",
        default="",
        is_secret=True,
        help="API Management subscription key, sent as Ocp-Apim-Subscription-Key.",
    )
    parser.add_argument(
        "--function-key",
        env_var="LOCUST_FUNCTION_KEY",
        default="",
        is_secret=True,
        help="Function key, sent as x-functions-key (local runs, no API Management).",
    )
    parser.add_argument(
        "--profile",
        env_var="LOADTEST_PROFILE",
        choices=sorted(THINK_TIMES),
        default="seed",
        help="seed: the seed's think time of 1-5 s between a user's requests; stress: none.",
    )
    parser.add_argument(
        "--correlation-log",
        env_var="LOCUST_CORRELATION_LOG",
        default="",
        include_in_web_ui=False,
        help="Append the x-correlation-id of every successful response to this CSV file.",
    )


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    # Fail at start-up rather than with thousands of 401s. Not in the web UI, which can
    # still take the keys, nor on workers: Locust hands them the master's options.
    if options.headless and not options.worker:
        try:
            settings_from_options(options)
        except SettingsError as error:
            raise SystemExit(f"loadtest configuration: {error}") from error
    if options.correlation_log:
        _open_correlation_log(environment, options.correlation_log)
    PatientTestsUser.wait_time = THINK_TIMES[options.profile]


@events.quitting.add_listener
def _let_csv_writer_catch_up(environment: Environment, **_: Any) -> None:
    # Locust rewrites <prefix>_stats.csv only every CSV_STATS_INTERVAL_SEC, so without this
    # pause the last second of requests - and any failure in it - would be missing from the
    # CSV that run.sh judges. Users are stopped by now; nothing new is counted while we wait.
    options = environment.parsed_options
    if options is not None and options.csv_prefix and not isinstance(environment.runner, WorkerRunner):
        gevent.sleep(locust_stats.CSV_STATS_INTERVAL_SEC + 0.5)


def _open_correlation_log(environment: Environment, path: str) -> None:
    log = CorrelationLog(Path(path))
    environment.events.request.add_listener(log.on_request)
    environment.events.quit.add_listener(lambda **_: log.close())


def _expect(response: ResponseContextManager, expected: int, task_name: str) -> bool:
    """Marks the response as failed unless it has the expected status; returns success."""
    if response.status_code == expected:
        response.success()
        return True
    # The message is grouped in Locust's failure table, so it holds nothing per-request.
    response.failure(f"{task_name}: expected {expected}, got {response.status_code} {_problem_code(response)}")
    return False


def _problem_code(response: ResponseContextManager) -> str:
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - any unparsable body is reported the same way
        return ""
    if isinstance(body, dict):
        return str(body.get("code") or body.get("title") or "")
    return ""


class PatientTestsUser(FastHttpUser):
    """One clinician system calling the API: the seed's seven scenarios, equal weight each."""

    # The seed's think time, so that per-user request rates compare; --profile stress sets none.
    wait_time = THINK_TIMES["seed"]

    def on_start(self) -> None:
        self.settings: ApiSettings = settings_from_options(self.environment.parsed_options)
        self.headers: dict[str, str] = dict(self.settings.headers)
        # Seed one patient and one test per user so every read task has data from
        # the first second; the seed's tasks skipped silently until then.
        patient_id = self._create_patient(payloads.new_patient(), 201, "CreateValidPatient")
        if patient_id:
            self._create_test(patient_id, 201, "CreateValidTest")

    # --- requests, named as in the seed -------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.settings.base_path}{path}"

    def _create_patient(self, body: dict[str, Any], expected: int, task_name: str) -> str | None:
        with self.client.post(
            self._url("patient"), json=body, name="patient/", headers=self.headers, catch_response=True
        ) as response:
            if _expect(response, expected, task_name) and expected == 201:
                patient_id = str(response.json()["id"])
                patient_ids.add(patient_id)
                return patient_id
        return None

    def _load_patient(self, patient_id: str, expected: int, task_name: str) -> dict[str, Any] | None:
        with self.client.get(
            self._url(f"patient/{patient_id}"),
            name="patient/{random_id}",
            headers=self.headers,
            catch_response=True,
        ) as response:
            if _expect(response, expected, task_name) and expected == 200:
                patient: dict[str, Any] = response.json()
                return patient
        return None

    def _update_patient(self, patient: dict[str, Any]) -> None:
        with self.client.put(
            self._url(f"patient/{patient['id']}"),
            json=patient,
            # The seed's name, typo included, so this row lines up with its results.
            name="patient/{ramdom_id}",
            headers=self.headers,
            catch_response=True,
        ) as response:
            _expect(response, 200, "UpdatePatientTask")

    def _search(self, criteria: dict[str, Any], task_name: str) -> None:
        with self.client.post(
            self._url("patient/search"),
            json=criteria,
            name="patient/search",
            headers=self.headers,
            catch_response=True,
        ) as response:
            _expect(response, 200, task_name)

    def _create_test(self, patient_id: str, expected: int, task_name: str) -> None:
        with self.client.post(
            self._url(f"patient/{patient_id}/tests"),
            json=payloads.new_test(),
            name="patient/{random_id}/tests",
            headers=self.headers,
            catch_response=True,
        ) as response:
            if _expect(response, expected, task_name) and expected == 201:
                patient_tests.add((patient_id, response.json()["id"]))

    def _load_tests(self, patient_id: str, expected: int, task_name: str) -> None:
        with self.client.get(
            self._url(f"patient/{patient_id}/tests"),
            name="patient/{random_id}/tests/",
            headers=self.headers,
            catch_response=True,
        ) as response:
            _expect(response, expected, task_name)

    def _load_test(self, patient_id: str, test_id: str, expected: int, task_name: str) -> None:
        with self.client.get(
            self._url(f"patient/{patient_id}/tests/{test_id}"),
            name="patient/{random_pid}/tests/{random_tid}",
            headers=self.headers,
            catch_response=True,
        ) as response:
            _expect(response, expected, task_name)

    # --- tasks: weights are the seed's, 10 per scenario ------------------------------------

    @tag("create_patient")
    @task(9)
    def create_valid_patient(self) -> None:
        self._create_patient(payloads.new_patient(), 201, "CreateValidPatient")

    @tag("create_patient")
    @task(1)
    def create_invalid_patient(self) -> None:
        self._create_patient(payloads.invalid_patient(), 400, "CreateInvalidPatient")

    @tag("load_patient")
    @task(9)
    def load_valid_patient(self) -> None:
        patient_id = patient_ids.pick()
        if patient_id:
            self._load_patient(patient_id, 200, "LoadValidPatient")

    @tag("load_patient")
    @task(1)
    def load_invalid_patient(self) -> None:
        self._load_patient(UNKNOWN_ID, 404, "LoadInvalidPatient")

    @tag("update_patient")
    @task(10)
    def update_patient(self) -> None:
        patient_id = patient_ids.pick()
        if not patient_id:
            return
        patient = self._load_patient(patient_id, 200, "UpdatePatientTask")
        if patient is not None:
            # Send back exactly what GET returned, with one field changed.
            patient["preferredContactNumber"] = payloads.random_digits(10)
            self._update_patient(patient)

    @tag("search_patient")
    @task(5)
    def search_patient_with_id(self) -> None:
        patient_id = patient_ids.pick()
        if patient_id:
            self._search({"id": patient_id}, "SearchPatientWithId")

    @tag("search_patient")
    @task(5)
    def search_all_patients(self) -> None:
        self._search({}, "SearchAllPatients")

    @tag("create_test")
    @task(9)
    def create_valid_test(self) -> None:
        patient_id = patient_ids.pick()
        if patient_id:
            self._create_test(patient_id, 201, "CreateValidTest")

    @tag("create_test")
    @task(1)
    def create_invalid_test(self) -> None:
        self._create_test(UNKNOWN_ID, 400, "CreateInvalidTest")

    @tag("load_tests")
    @task(9)
    def load_tests_with_valid_patient(self) -> None:
        pair = patient_tests.pick()
        if pair:
            self._load_tests(pair[0], 200, "LoadTestsWithValidPatient")

    @tag("load_tests")
    @task(1)
    def load_tests_with_invalid_patient(self) -> None:
        self._load_tests(UNKNOWN_ID, 404, "LoadTestsWithInvalidPatient")

    @tag("load_test")
    @task(9)
    def load_test_with_valid_test(self) -> None:
        pair = patient_tests.pick()
        if pair:
            self._load_test(pair[0], pair[1], 200, "LoadTestWithValidTest")

    @tag("load_test")
    @task(1)
    def load_test_with_invalid_test(self) -> None:
        pair = patient_tests.pick()
        if pair:
            self._load_test(pair[0], UNKNOWN_ID, 404, "LoadTestWithInvalidTest")
