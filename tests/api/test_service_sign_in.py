"""Sign-in resists guessing: backoff per account and per address, bounded hashing,
passwords that are long and not guessable, names without tricks, sessions that end
when the password changes."""

import time

import pytest
from fastapi.testclient import TestClient

from arraigo.api.services.errors import Invalid, TooManyAttempts
from arraigo.api.services.signin import (
    ACCOUNT_FREE_FAILURES,
    ACCOUNT_FREE_FAILURES_ANYWHERE,
    ADDRESS_FREE_FAILURES,
    SignInGuard,
)
from arraigo.api.services.users import create_user

from .conftest import PASSWORD


def token(client: TestClient, username: str, password: str):
    return client.post("/auth/token", data={"username": username, "password": password})


def test_an_account_guessed_at_waits_longer_each_time_even_for_the_right_password(anonymous):
    for _ in range(ACCOUNT_FREE_FAILURES + 1):
        assert token(anonymous, "partner", "no-es-la-clave").status_code == 401
    refused = token(anonymous, "partner", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    time.sleep(1.1)
    assert token(anonymous, "partner", "otra-clave-falsa").status_code == 401
    assert token(anonymous, "partner", PASSWORD).headers["retry-after"] == "2"
    # Other accounts are not held back by one account's failures.
    assert token(anonymous, "admin", PASSWORD).status_code == 200


def test_an_address_guessing_many_accounts_waits_too(anonymous):
    for n in range(ADDRESS_FREE_FAILURES + 1):
        assert token(anonymous, f"nadie{n}", "no-es-la-clave").status_code == 401
    refused = token(anonymous, "admin", PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_the_sign_in_page_backs_off_the_same_way(app):
    client = TestClient(app, follow_redirects=False, headers={"Origin": "http://testserver"})
    for _ in range(ACCOUNT_FREE_FAILURES + 1):
        page = client.post("/sign-in", data={"username": "admin", "password": "nada-de-nada"})
        assert page.status_code == 401
    page = client.post("/sign-in", data={"username": "admin", "password": PASSWORD})
    assert page.status_code == 429
    assert page.headers["retry-after"] == "1"
    assert "Demasiados intentos" in page.text
    assert "arraigo_session" not in page.headers.get("set-cookie", "")


def test_while_every_hashing_slot_is_taken_a_sign_in_is_refused_at_once(app, anonymous):
    guard = app.state.sign_in_guard
    slots = 0
    while guard._hashing.acquire(blocking=False):
        slots += 1
    try:
        started = time.monotonic()
        refused = token(anonymous, "admin", PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert time.monotonic() - started < 1
    finally:
        for _ in range(slots):
            guard._hashing.release()
    assert token(anonymous, "admin", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "password",
    ["12345678", "password", "contraseña1", "officer1officer1", " " * 12, "qwertyuiopasdf"],
)
def test_short_common_and_user_derived_passwords_are_refused(as_role, password):
    admin = as_role("admin")
    body = {"username": "officer1", "role": "employment_officer", "password": password}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 422, response.text
    assert admin.get("/api/v1/users").json()[-1]["username"] != "officer1"


@pytest.mark.parametrize("username", [" admin2", "admin2 ", "ana maría", "a\x00b", "", "x" * 81])
def test_usernames_with_spaces_or_odd_characters_are_refused(app, username):
    with app.state.sessions() as session, pytest.raises(Invalid):
        create_user(session, username, "partner", PASSWORD)


def test_a_new_password_ends_every_session_the_user_had(as_role, anonymous):
    staff = as_role("relocation_staff")
    other = as_role("relocation_staff")
    admin = as_role("admin")
    new = "otra-contraseña-segura"
    response = admin.patch("/api/v1/users/relocation_staff", json={"password": new})
    assert response.status_code == 200, response.text
    assert staff.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 401
    assert admin.get("/api/v1/me").status_code == 200
    assert token(anonymous, "relocation_staff", new).status_code == 200


def test_a_weak_new_password_is_refused_and_sessions_stay(as_role):
    staff = as_role("relocation_staff")
    admin = as_role("admin")
    response = admin.patch("/api/v1/users/relocation_staff", json={"password": "relocation_staff"})
    assert response.status_code == 422
    assert staff.get("/api/v1/me").status_code == 200


def test_two_processes_share_the_counts_through_the_database(app):
    # Two guards over one database, as two worker processes hold them.
    guards = [app.state.sign_in_guard, SignInGuard(app.state.sessions)]
    with app.state.sessions() as session:
        for attempt in range(ACCOUNT_FREE_FAILURES + 1):
            guard = guards[attempt % 2]
            assert guard.authenticate(session, "admin", "no-es-la-clave", "10.0.0.1") is None
        for guard in guards:
            with pytest.raises(TooManyAttempts) as refused:
                guard.authenticate(session, "admin", PASSWORD, "10.0.0.1")
            assert refused.value.retry_after == 1


def test_an_ipv6_client_rotating_addresses_in_its_network_is_counted_once(app):
    guard = app.state.sign_in_guard
    with app.state.sessions() as session:
        for n in range(ADDRESS_FREE_FAILURES + 1):
            address = f"2001:db8:0:7::{n + 1:x}"
            assert guard.authenticate(session, f"nadie{n}", "no-es-la-clave", address) is None
        with pytest.raises(TooManyAttempts):
            guard.authenticate(session, "admin", PASSWORD, "2001:db8:0:7:ffff::1")
        # Another network, and an IPv4 client, are not held back.
        assert guard.authenticate(session, "admin", PASSWORD, "2001:db8:0:8::1") is not None
        assert guard.authenticate(session, "partner", PASSWORD, "::ffff:10.0.0.9") is not None


def test_one_guesser_cannot_make_the_owner_wait_but_many_together_do(app):
    guard = app.state.sign_in_guard
    with app.state.sessions() as session:
        for _ in range(ACCOUNT_FREE_FAILURES + 1):
            assert guard.authenticate(session, "admin", "no-es-la-clave", "10.0.0.66") is None
        with pytest.raises(TooManyAttempts):
            guard.authenticate(session, "admin", PASSWORD, "10.0.0.66")
        # The owner, elsewhere, signs in; and their success forgives only the account.
        assert guard.authenticate(session, "admin", PASSWORD, "10.0.0.1") is not None
        with pytest.raises(TooManyAttempts):
            guard.authenticate(session, "admin", PASSWORD, "10.0.0.66")
        # Guessers at many addresses together make the account wait everywhere.
        for n in range(ACCOUNT_FREE_FAILURES_ANYWHERE + 1):
            address = f"10.1.{n // ACCOUNT_FREE_FAILURES}.1"
            assert guard.authenticate(session, "admin", "no-es-la-clave", address) is None
        with pytest.raises(TooManyAttempts):
            guard.authenticate(session, "admin", PASSWORD, "10.0.0.1")
