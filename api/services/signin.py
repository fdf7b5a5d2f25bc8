"""Sign-in that resists guessing: failed attempts per account and per client address
make the next ones wait longer (exponential backoff), and password hashing, the costly
part of every attempt, runs in few threads at once, so a flood of attempts cannot take
the threads that signed-in users' requests need.

The counts live in the database, so every worker process shares them: with N workers
an attacker gets no more tries than with one. Each failure is one atomic upsert (SQLite
and PostgreSQL both have ``INSERT … ON CONFLICT DO UPDATE``) in a short transaction of
its own, committed even when the request answers 401."""

import hashlib
import ipaddress
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ..db import SignInFailure, User, transaction
from .auth import authenticate
from .errors import TooManyAttempts

# An account tolerates a few typos from each address; an address is shared by an office
# behind one NAT. From all addresses together an account tolerates more, so that one
# guesser cannot make its owner wait, while many guessing together still do.
ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
ACCOUNT_FREE_FAILURES_ANYWHERE = 50
# The longest wait, and how long after their last failure an account or address is
# forgiven (and its row deleted).
MAX_WAIT_SECONDS = 15 * 60
# How often a process deletes the rows of forgiven keys.
PRUNE_EVERY_SECONDS = 60.0
# Waits each process remembers without asking the database again (oldest forgotten).
REMEMBERED = 10_000


def delay(failures: int, free: int) -> float:
    """The wait after ``failures`` failures: none for the first ``free``, then 1 s,
    2 s, 4 s … up to MAX_WAIT_SECONDS."""
    if failures <= free:
        return 0.0
    return min(2.0 ** min(failures - free - 1, 30), MAX_WAIT_SECONDS)


def client_network(address: str) -> str:
    """The address a client is counted by: an IPv4 address, or the /64 network of an
    IPv6 one (one subscriber's share, which they may rotate through at will)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(kind: str, name: str) -> str:
    """The row key of an account or address: a digest, so the table keeps no typed
    name (people type passwords into the name field too)."""
    return hashlib.sha256(f"{kind}\0{name}".encode()).hexdigest()


class Throttle:
    """Failures per account and per address, in the shared table."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], float] = time.time
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self._pruned_at = 0.0
        # Waits this process has read, so a flood of refused attempts costs no query:
        # a key's wait only grows until a success, and no success comes before it ends.
        self._lock = threading.Lock()
        self._known: OrderedDict[str, float] = OrderedDict()

    def wait(self, keys: list[str]) -> float:
        """Seconds before all of ``keys`` may try again (0: now)."""
        at = self.clock()
        with self._lock:
            known = max(self._known.get(key, 0.0) for key in keys)
        if known > at:
            return known - at
        with self.sessions() as session:
            rows = session.execute(
                select(SignInFailure.key, SignInFailure.wait_until).where(
                    SignInFailure.key.in_(keys),
                    SignInFailure.last_failure >= at - MAX_WAIT_SECONDS,
                    SignInFailure.wait_until > at,
                )
            ).all()
        with self._lock:
            for key, until in rows:
                self._known[key] = until
                self._known.move_to_end(key)
            while len(self._known) > REMEMBERED:
                self._known.popitem(last=False)
        return max((until - at for _, until in rows), default=0.0)

    def failed(self, counted: dict[str, int]) -> None:
        """One more failure for each key (key -> its free failures)."""
        at = self.clock()
        table = SignInFailure.__table__
        with transaction(self.sessions) as session:
            insert = (
                postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
            )
            for key, free in counted.items():
                # A key forgiven (last failure long ago) starts again at one.
                failures = case(
                    (table.c.last_failure < at - MAX_WAIT_SECONDS, 1),
                    else_=table.c.failures + 1,
                )
                upsert = (
                    insert(table)
                    .values(key=key, failures=1, last_failure=at, wait_until=at)
                    .on_conflict_do_update(
                        index_elements=[table.c.key],
                        set_={"failures": failures, "last_failure": at},
                    )
                    .returning(table.c.failures)
                )
                wait = delay(session.scalar(upsert), free)
                if wait:
                    # From when the failure is on record (the database may be slow).
                    until = self.clock() + wait
                    session.execute(
                        update(table)
                        .where(table.c.key == key)
                        .values(
                            wait_until=case(
                                (table.c.wait_until < until, until), else_=table.c.wait_until
                            )
                        )
                    )
            if at - self._pruned_at > PRUNE_EVERY_SECONDS:
                self._pruned_at = at
                session.execute(delete(table).where(table.c.last_failure < at - MAX_WAIT_SECONDS))

    def forget(self, keys: list[str]) -> None:
        with transaction(self.sessions) as session:
            session.execute(delete(SignInFailure).where(SignInFailure.key.in_(keys)))


class SignInGuard:
    """The service's door: checks a username and password unless the account (from this
    address, or from all of them) or the address must wait, or every hashing slot of
    this process is taken (both refused at once with the seconds to wait, before any
    hashing)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        hashing_slots: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.throttle = Throttle(sessions, clock)
        slots = hashing_slots or max(1, (os.cpu_count() or 2) // 2)
        self._hashing = threading.BoundedSemaphore(slots)

    def authenticate(
        self, session: Session, username: str, password: str, address: str
    ) -> User | None:
        """The active user with this name and password, or None (counted as a failure);
        TooManyAttempts while the account or address must wait or hashing is busy."""
        name, network = username.strip().casefold(), client_network(address)
        account = _key("account", name)  # from any address
        pair = _key("account from", f"{name}\0{network}")
        origin = _key("address", network)
        wait = self.throttle.wait([pair, account, origin])
        if wait > 0:
            raise TooManyAttempts(
                "Demasiados intentos; espere antes de volver a intentar / "
                "too many attempts; wait before trying again.",
                retry_after=math.ceil(wait),
            )
        # Waiting for a slot would hold a request thread: refuse instead.
        if not self._hashing.acquire(blocking=False):
            raise TooManyAttempts(
                "El servicio está ocupado; intente de nuevo / the service is busy; try again.",
                retry_after=1,
            )
        try:
            user = authenticate(session, username, password)
        finally:
            self._hashing.release()
        if user is None:
            self.throttle.failed(
                {
                    pair: ACCOUNT_FREE_FAILURES,
                    account: ACCOUNT_FREE_FAILURES_ANYWHERE,
                    origin: ADDRESS_FREE_FAILURES,
                }
            )
        else:
            # Only the account is forgiven: one known password must not reopen an
            # address that was guessing other accounts.
            self.throttle.forget([pair, account])
        return user
