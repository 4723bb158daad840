"""The second factor: people whose roles are named in MFA_REQUIRED_ROLES set up an
authenticator app and enter a code from it after their password; recovery codes work
once; wrong codes are slowed down and lock the username like wrong passwords; the
business manager resets a lost factor, with a reason.

These tests sign in through the sign-in page, as a person does (django-axes needs the
request), and compute the app's codes from the device's key, as the app would."""

import datetime
import time
import zoneinfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import factors
from agencies.models import AuditEvent
from tests.security.conftest import production_env, run_python
from tests.test_access_matrix import MATRIX, world  # noqa: F401 -- world is a fixture

PASSWORD = "a perfectly long test passphrase"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
EVERY_ROLE = ["chair", "business_manager", "superuser"]


@pytest.fixture
def mfa(settings):
    settings.MFA_REQUIRED_ROLES = EVERY_ROLE
    return settings


def sign_in(client, user):
    user.set_password(PASSWORD)
    user.save()
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def code_for(device, steps_ahead=0):
    """The code the app shows now (or ``steps_ahead`` periods of 30 seconds later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def with_app(user):
    """``user`` has set up their authenticator app, and has ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name=factors.APP, confirmed=True)
    return device, factors.new_recovery_codes(user)


def events(kind):
    return list(AuditEvent.objects.filter(event=kind).values_list("username", "detail"))


def verify_page(next_page="/"):
    return f"{reverse('factor_verify')}?next={next_page.replace('/', '%2F')}"


# -- who is asked ----------------------------------------------------------------------


def test_the_chair_is_sent_to_set_up_an_app_and_sees_nothing_else_until_then(client, mfa, chair):
    response = sign_in(client, chair)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('factor_set_up')}?next=%2Fwelcome%2F"
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("factor_set_up"))
    assert client.get("/admin/")["Location"].startswith(reverse("factor_set_up"))
    posted = client.post(reverse("my_emails"), {"evidence_to_review": "on"})
    assert posted["Location"] == reverse("factor_set_up")


@pytest.mark.parametrize("role", ["awaken_lead", "board_member"])
def test_people_whose_roles_need_no_second_factor_are_not_asked(client, mfa, role, request):
    person = request.getfixturevalue(role)

    response = sign_in(client, person)

    assert response["Location"] == reverse("landing")  # each role's first screen
    assert client.get("/").status_code == 200


def test_only_the_roles_named_are_asked(client, settings, chair, manager):
    settings.MFA_REQUIRED_ROLES = ["business_manager"]

    assert sign_in(client, chair)["Location"] == reverse("landing")  # each role's first screen
    client.logout()
    assert sign_in(client, manager)["Location"].startswith(reverse("factor_set_up"))


def test_a_superuser_is_asked_when_superusers_are_named(client, settings, db):
    admin = get_user_model().objects.create_superuser("root.admin", "root@example.org")
    settings.MFA_REQUIRED_ROLES = ["chair"]
    assert sign_in(client, admin)["Location"] == reverse("landing")  # each role's first screen
    client.logout()

    settings.MFA_REQUIRED_ROLES = ["superuser"]

    assert sign_in(client, admin)["Location"].startswith(reverse("factor_set_up"))


def test_nobody_is_asked_when_no_roles_are_named(client, settings, chair, manager):
    settings.MFA_REQUIRED_ROLES = []

    assert sign_in(client, chair)["Location"] == reverse("landing")  # each role's first screen
    assert client.get(reverse("factor_set_up"))["Location"] == "/"


def test_production_asks_every_privileged_role_and_development_none_unless_set():
    code = "from django.conf import settings; print(','.join(settings.MFA_REQUIRED_ROLES))"
    production = run_python(code, production_env())
    chosen = run_python(code, production_env(MFA_REQUIRED_ROLES="chair"))
    development = run_python(code, {**production_env(), "DEBUG": "1"})
    unknown = run_python(code, production_env(MFA_REQUIRED_ROLES="chair,agency_lead"))

    assert production.stdout.strip().splitlines()[-1] == "chair,business_manager,superuser"
    assert chosen.stdout.strip().splitlines()[-1] == "chair"
    assert development.stdout.strip().splitlines()[-1:] in ([], [""])
    assert unknown.returncode != 0
    assert "MFA_REQUIRED_ROLES may only name chair, business_manager, superuser" in (unknown.stderr)


# -- setting up the app ----------------------------------------------------------------


def test_the_set_up_page_shows_the_qr_code_as_inline_svg_and_the_key_as_text(client, mfa, chair):
    sign_in(client, chair)

    response = client.get(reverse("factor_set_up"))

    html = response.content.decode()
    device = TOTPDevice.objects.get(user=chair)
    assert not device.confirmed
    qr_code = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-label="QR code to scan with your authenticator app"' in qr_code
    assert "<path" in qr_code and "style" not in qr_code  # nothing for the CSP to refuse
    assert "<img" not in html.split("<main", 1)[1]
    assert factors.key_text(device) in html
    assert "Set up your authenticator app</h1>" in html
    assert "govuk-service-navigation" not in html  # nothing else opens until a code is given
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # The same key each time the page is shown, until a code confirms it.
    assert factors.key_text(device) in client.get(reverse("factor_set_up")).content.decode()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab56", "The code must be 6 digits"),
        ("1234567", "The code must be 6 digits"),
    ],
)
def test_a_code_that_is_not_6_digits_gets_a_clear_error(client, mfa, chair, typed, error):
    sign_in(client, chair)
    client.get(reverse("factor_set_up"))

    response = client.post(reverse("factor_set_up"), {"code": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Set up your authenticator app" in html
    assert f'<a href="#id_code">{error}</a>' in html
    assert not TOTPDevice.objects.get(user=chair).confirmed


def test_a_wrong_code_at_set_up_sets_nothing_up(client, mfa, chair):
    sign_in(client, chair)
    client.get(reverse("factor_set_up"))
    device = TOTPDevice.objects.get(user=chair)

    response = client.post(reverse("factor_set_up"), {"code": wrong(code_for(device))})

    assert "The code is not correct or has expired" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=chair).exists()
    assert client.get("/").status_code == 302
    assert events(AuditEvent.Event.FACTOR_FAILED) == [("chair", "Authenticator app")]


def test_the_right_code_sets_up_the_app_and_shows_ten_recovery_codes_once(client, mfa, chair):
    sign_in(client, chair)
    client.get(reverse("factor_set_up"))
    device = TOTPDevice.objects.get(user=chair)

    response = client.post(reverse("factor_set_up"), {"code": code_for(device), "next": "/"})

    html = response.content.decode()
    tokens = set(StaticDevice.objects.get(user=chair).token_set.values_list("token", flat=True))
    assert len(tokens) == 10
    assert all(f"<li>{token}</li>" in html for token in tokens)
    assert "These codes are shown only this once" in html
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200  # this session has passed the second factor
    again = client.get(reverse("factor_set_up"))
    assert again.status_code == 302 and not any(t in again.text for t in tokens)
    assert events(AuditEvent.Event.FACTOR_SET_UP) == [("chair", "")]


# -- signing in with the app ----------------------------------------------------------


def test_next_time_they_enter_a_code_from_their_app(client, mfa, chair):
    device, _ = with_app(chair)

    signed_in = sign_in(client, chair)
    blocked = client.get(reverse("dashboard"))
    page = client.get(signed_in["Location"])
    wrong_code = client.post(signed_in["Location"], {"code": wrong(code_for(device))})

    assert signed_in["Location"] == verify_page(reverse("landing"))
    assert blocked["Location"] == verify_page(reverse("dashboard"))
    assert "Enter the code from your authenticator app</h1>" in page.content.decode()
    assert 'name="next" value="/welcome/"' in page.content.decode()
    assert (
        "The code is not correct or has expired. Enter the latest code from your "
        "authenticator app" in wrong_code.content.decode()
    )
    assert client.get("/").status_code == 302


def test_the_right_code_lets_them_in_to_the_page_they_wanted(client, mfa, chair):
    device, _ = with_app(chair)
    sign_in(client, chair)
    wanted = client.get(reverse("dashboard"))["Location"]

    response = client.post(wanted, {"code": code_for(device), "next": reverse("dashboard")})

    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session[SESSION_KEY] == str(chair.pk)


def test_a_code_does_not_send_them_to_another_site(client, mfa, chair):
    device, _ = with_app(chair)
    sign_in(client, chair)

    response = client.post(
        reverse("factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_a_code_works_only_once(client, mfa, chair):
    device, _ = with_app(chair)
    code = code_for(device)
    sign_in(client, chair)
    client.post(reverse("factor_verify"), {"code": code})
    client.post(reverse("logout"))
    sign_in(client, chair)

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)):
        response = client.post(reverse("factor_verify"), {"code": code})

    assert "The code is not correct or has expired" in response.content.decode()


# -- recovery codes --------------------------------------------------------------------


def test_a_recovery_code_lets_them_in_once(client, mfa, chair):
    _, codes = with_app(chair)
    sign_in(client, chair)

    response = client.post(reverse("factor_recovery"), {"code": codes[0].upper()}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "You used a recovery code. You have 9 left." in response.content.decode()
    assert events(AuditEvent.Event.RECOVERY_CODE_USED) == [("chair", "9 left")]

    client.post(reverse("logout"))
    sign_in(client, chair)
    again = client.post(reverse("factor_recovery"), {"code": codes[0]})

    assert "The recovery code is not correct or has already been used" in again.text
    assert client.get("/").status_code == 302


def test_the_code_page_offers_a_recovery_code_and_the_recovery_page_checks_its_shape(
    client, mfa, chair
):
    with_app(chair)
    sign_in(client, chair)

    page = client.get(reverse("factor_verify")).content.decode()
    empty = client.post(reverse("factor_recovery"), {"code": ""}).content.decode()
    odd = client.post(reverse("factor_recovery"), {"code": "12"}).content.decode()

    assert "Use a recovery code instead</a>" in page
    assert "Enter one of your recovery codes" in empty
    assert "The recovery code must be 8 letters and numbers" in odd


# -- wrong codes -----------------------------------------------------------------------


def test_after_a_wrong_code_even_the_right_one_must_wait(client, mfa, chair):
    device, _ = with_app(chair)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, chair)
        client.post(reverse("factor_verify"), {"code": wrong(code_for(device))})
        too_soon = client.post(reverse("factor_verify"), {"code": code_for(device)})
        clock.shift(datetime.timedelta(seconds=1))
        wrong_again = client.post(reverse("factor_verify"), {"code": wrong(code_for(device))})
        longer = client.post(reverse("factor_verify"), {"code": code_for(device)})
        clock.shift(datetime.timedelta(seconds=2))
        in_time = client.post(reverse("factor_verify"), {"code": code_for(device)})

    assert "You have entered too many wrong codes. Wait 1 second, then try again" in (
        too_soon.content.decode()
    )
    assert "The code is not correct" in wrong_again.content.decode()
    assert "Wait 2 seconds, then try again" in longer.content.decode()  # 1, 2, 4 ... seconds
    assert in_time.status_code == 302 and in_time["Location"] == "/"


def test_ten_wrong_codes_lock_the_username_and_sign_the_person_out(client, mfa, chair):
    mfa.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between tries: the lockout is the point
    device, _ = with_app(chair)
    with time_machine.travel(START, tick=False):
        sign_in(client, chair)
        tries = [
            client.post(reverse("factor_verify"), {"code": wrong(code_for(device))})
            for _ in range(10)
        ]
        signed_in_after = client.session.get(SESSION_KEY)
        password_again = sign_in(client, chair)

    assert [r.status_code for r in tries[:9]] == [200] * 9
    locked = tries[9]
    assert locked.status_code == 429
    assert "Sign-in is locked for 15 minutes because of too many failed attempts" in locked.text
    assert signed_in_after is None
    assert password_again.status_code == 429  # even the right password, for 15 minutes
    assert len(events(AuditEvent.Event.FACTOR_FAILED)) == 10
    assert ("chair", "") in events(AuditEvent.Event.LOCKOUT)


def test_a_right_code_clears_the_count_of_wrong_ones(client, mfa, chair):
    mfa.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = with_app(chair)
    sign_in(client, chair)
    for _ in range(9):
        client.post(reverse("factor_verify"), {"code": wrong(code_for(device))})

    client.post(reverse("factor_verify"), {"code": code_for(device)})

    assert not AccessAttempt.objects.filter(username="chair").exists()


# -- reset by the business manager ----------------------------------------------------


def test_the_business_manager_resets_a_lost_factor_with_a_reason(client, settings, chair, manager):
    settings.MFA_REQUIRED_ROLES = ["chair"]
    with_app(chair)
    client.force_login(manager)
    url = reverse("person_reset_factor", args=[chair.pk])

    no_reason = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Phone lost; identity checked by telephone"})

    assert "Enter the reason" in no_reason.content.decode()
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=chair).exists()
    assert not StaticDevice.objects.filter(user=chair).exists()
    assert events(AuditEvent.Event.FACTOR_RESET) == [
        ("manager", "chair: Phone lost; identity checked by telephone")
    ]
    client.logout()
    assert sign_in(client, chair)["Location"].startswith(reverse("factor_set_up"))


def test_the_manage_page_offers_a_reset_only_for_people_with_a_factor(client, chair, manager):
    with_app(chair)
    client.force_login(manager)

    html = client.get(reverse("manage")).content.decode()

    assert reverse("person_reset_factor", args=[chair.pk]) in html
    assert reverse("person_reset_factor", args=[manager.pk]) not in html


def test_nobody_resets_their_own_factor_and_a_manager_never_a_superusers(client, manager):
    admin = get_user_model().objects.create_superuser("root.admin", "root@example.org")
    with_app(admin)
    with_app(manager)
    client.force_login(manager)

    own = client.post(reverse("person_reset_factor", args=[manager.pk]), {"reason": "Mine"})
    theirs = client.post(reverse("person_reset_factor", args=[admin.pk]), {"reason": "Theirs"})

    assert own.status_code == theirs.status_code == 403
    assert TOTPDevice.objects.filter(user__in=[admin, manager]).count() == 2


def test_a_superusers_factor_is_reset_from_the_command_line_with_a_reason(capsys, db):
    admin = get_user_model().objects.create_superuser("root.admin", "root@example.org")
    with_app(admin)

    call_command("reset_second_factor", "root.admin", reason="Phone replaced")

    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert events(AuditEvent.Event.FACTOR_RESET) == [("manage.py", "root.admin: Phone replaced")]
    assert "will set up an authenticator app the next time" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nobody has the username"):
        call_command("reset_second_factor", "nobody", reason="x")


# -- every page ------------------------------------------------------------------------

OPEN = {"login", "logout", "factor_set_up", "factor_verify", "factor_recovery"}


@pytest.mark.parametrize("name", sorted(set(MATRIX) - OPEN))
def test_until_a_code_is_given_every_other_page_sends_the_chair_to_the_second_factor(
    client, mfa, request, name
):
    objects = request.getfixturevalue("world")  # the access matrix's objects
    kwargs_spec = MATRIX[name][0]
    url = reverse(name, kwargs={key: make(objects) for key, make in kwargs_spec.items()})
    client.force_login(objects["users"]["chair"])  # signed in, no code given yet

    response = client.get(url)

    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("factor_set_up")), name
