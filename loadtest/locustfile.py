"""The load test's people (run by loadtest/run.py; see README, "Deploying").

20 people at once: 16 readers (overview, action pages, dashboard), 3 agency leads adding
evidence to the actions their agency leads, and the chair changing ratings -- 80 %, 15 %
and 5 % of what is done. Each signs in through the sign-in page once, then acts every
1 to 5 seconds (LOADTEST_WAIT_MIN, LOADTEST_WAIT_MAX): quicker than people reading an
action plan, who spend tens of seconds on a page.

Requests go to gunicorn over plain HTTP with ``X-Forwarded-Proto: https``, exactly as
the TLS-terminating proxy passes them on, so production's settings (HTTPS only, Secure
``__Host-`` cookies, CSRF origin checks) are in force.

Every write carries a unique marker. What the server acknowledged (a redirect after the
POST) and what it refused (409, a conflict) is written to ``LOADTEST_WRITES`` at the end,
for run.py to compare with the history rows in the database, with the time of every
request.
"""

import datetime
import json
import os
import random
import re
import time
import uuid
from http.cookiejar import DefaultCookiePolicy

from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load-test-password-2026")
HIDDEN = re.compile(r"<input[^>]*\btype=\"hidden\"[^>]*>")
NAME = re.compile(r'\bname="([^"]+)"')
VALUE = re.compile(r'\bvalue="([^"]*)"')
ACTION_LINK = re.compile(r'href="/actions/(\d+)/"')
WRITES = {"evidence": [], "rating": []}
REQUESTS = []  # (start time, name, milliseconds, failed) of every request


def hidden_fields(html):
    """The hidden inputs of a page's forms (CSRF token, version numbers, the agency)."""
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = (value.group(1) if value else "").replace("&amp;", "&")
    return fields


class Person(FastHttpUser):
    abstract = True
    wait_time = between(
        float(os.environ.get("LOADTEST_WAIT_MIN", "1")),
        float(os.environ.get("LOADTEST_WAIT_MAX", "5")),
    )
    username = None

    def on_start(self):
        # Behind the proxy the browser's connection is HTTPS: send the Secure cookies.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )
        origin = self.host.replace("http://", "https://")
        self.headers = {"X-Forwarded-Proto": "https"}
        self.post_headers = {**self.headers, "Origin": origin, "Referer": origin + "/"}
        page = self.client.get("/accounts/login/", headers=self.headers, name="sign-in page")
        data = {
            **hidden_fields(page.text),
            "username": self.username,
            "password": PASSWORD,
            "next": "/",
        }
        with self.client.post(
            "/accounts/login/",
            data=data,
            headers=self.post_headers,
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")
        overview = self.client.get("/", headers=self.headers, name="overview")
        self.actions = sorted(set(ACTION_LINK.findall(overview.text)))
        if not self.actions:
            raise RuntimeError(f"{self.username}: no actions on the overview (not signed in?)")

    def read(self, path, name):
        return self.client.get(path, headers=self.headers, name=name)

    def post_form(self, path, fields, name, write):
        """GET the form (its CSRF token and hidden fields), POST it; ``write`` gets the
        status (it stays None if the test stops while the POST is in flight)."""
        form = self.read(path, name + " (form)")
        data = {**hidden_fields(form.text), **fields}
        write["status"] = None
        with self.client.post(
            path,
            data=data,
            headers=self.post_headers,
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()  # a conflict page: refused, not lost, not an error
            elif response.status_code != 302:
                response.failure(f"{response.status_code}")
            write["status"] = response.status_code


class Reader(Person):
    """Board members and the business manager, reading."""

    fixed_count = 16
    username = "board.member"

    def on_start(self):
        self.username = random.choice(["board.member", "manager"])  # noqa: S311
        super().on_start()

    @task(4)
    def overview(self):
        self.read("/", "overview")

    @task(4)
    def action_page(self):
        self.read(f"/actions/{random.choice(self.actions)}/", "action page")  # noqa: S311

    @task(2)
    def dashboard(self):
        self.read("/dashboard/", "dashboard")


class AgencyLead(Person):
    """Agency leads adding evidence to the actions their agency leads."""

    fixed_count = 3

    def on_start(self):
        self.username = random.choice(["awaken.lead", "police.lead"])  # noqa: S311
        super().on_start()
        mine = self.read("/my-actions/", "my actions")
        self.actions = sorted(set(ACTION_LINK.findall(mine.text)))

    @task
    def add_evidence(self):
        action = random.choice(self.actions)  # noqa: S311
        write = {"marker": f"Load test evidence {uuid.uuid4()}", "action": action}
        WRITES["evidence"].append(write)
        self.post_form(
            f"/actions/{action}/evidence/new/",
            {
                "text": f"{write['marker']}: multi-agency meeting held, actions agreed.",
                "activity_date": datetime.date.today().strftime("%d/%m/%Y"),
            },
            "add evidence",
            write,
        )


class Chair(Person):
    """The CSE Priority Group chair, changing ratings with a reason."""

    fixed_count = 1
    username = "chair"

    @task
    def rate(self):
        action = random.choice(self.actions)  # noqa: S311
        write = {"marker": f"Load test rating {uuid.uuid4()}", "action": action}
        WRITES["rating"].append(write)
        rag = random.choice(["red", "amber", "green", "blue"])  # noqa: S311
        self.post_form(
            f"/actions/{action}/rate/",
            {"rag": rag, "reason": write["marker"]},
            "rate action",
            write,
        )


@events.request.add_listener
def _log_request(name, response_time, exception=None, start_time=None, **kwargs):
    REQUESTS.append((start_time or time.time(), name, response_time, exception is not None))


@events.test_stop.add_listener
def _save_writes(environment, **kwargs):
    path = os.environ.get("LOADTEST_WRITES")
    if path:
        with open(path, "w") as stream:
            json.dump({"writes": WRITES, "requests": REQUESTS}, stream)
