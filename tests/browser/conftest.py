"""Browser tests: Playwright for Python driving Debian's Chromium against live_server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

# live_server runs Django in a thread while Playwright's event loop runs in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real form, as a person would."""

    def go(user):
        user.set_password(PASSWORD)
        user.save()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # Each person lands on their own first screen (actionplan.views.landing); the
        # journeys here start from the plan.
        page.wait_for_url(lambda url: "/accounts/login/" not in url and "/welcome/" not in url)
        page.goto(f"{live_server.url}/")
        return page

    return go


@pytest.fixture
def axe_violations(page):
    """Run axe-core (from npm) in the page; return its violations."""

    def scan():
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return scan
