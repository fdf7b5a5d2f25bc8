"""Sign-in that resists guessing: failed attempts per account and per client address
make the next ones wait longer (exponential backoff), and password hashing, the costly
part of every attempt, runs in few threads at once, so a flood of attempts cannot take
the threads that signed-in users' requests need.

The counts live in each service process: with N workers an address gets N times the
attempts before it waits, still a few per second at most instead of thousands."""

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.orm import Session

from ..db import User
from .auth import authenticate
from .errors import TooManyAttempts

# An account tolerates a few typos; an address is shared by an office behind one NAT.
ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
# The longest wait, and how long after their last failure an account or address is
# forgiven.
MAX_WAIT_SECONDS = 15 * 60
# Accounts and addresses remembered at once: the oldest are forgotten first, so a
# stream of invented names cannot fill the memory.
REMEMBERED = 10_000


class Throttle:
    """Failures per key; past ``free`` failures each one doubles the wait (1 s, 2 s,
    4 s … up to MAX_WAIT_SECONDS) before the key may try again."""

    def __init__(self, free: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.free = free
        self.clock = clock
        self._lock = threading.Lock()
        # key -> (failures, time of the last failure, may try again at)
        self._keys: OrderedDict[str, tuple[int, float, float]] = OrderedDict()

    def _current(self, key: str, at: float) -> tuple[int, float, float]:
        failures, last, until = self._keys.get(key, (0, at, at))
        if at - last > MAX_WAIT_SECONDS:
            return 0, at, at
        return failures, last, until

    def wait(self, key: str) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        with self._lock:
            at = self.clock()
            return max(0.0, self._current(key, at)[2] - at)

    def failed(self, key: str) -> None:
        with self._lock:
            at = self.clock()
            failures = self._current(key, at)[0] + 1
            delay = 0.0 if failures <= self.free else 2.0 ** (failures - self.free - 1)
            self._keys[key] = (failures, at, at + min(delay, MAX_WAIT_SECONDS))
            self._keys.move_to_end(key)
            while len(self._keys) > REMEMBERED:
                self._keys.popitem(last=False)

    def forget(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)


class SignInGuard:
    """The service's door: checks a username and password unless the account or the
    address must wait, or every hashing slot is taken (both refused at once with the
    seconds to wait, before any hashing)."""

    def __init__(self, hashing_slots: int | None = None) -> None:
        self.accounts = Throttle(ACCOUNT_FREE_FAILURES)
        self.addresses = Throttle(ADDRESS_FREE_FAILURES)
        slots = hashing_slots or max(1, (os.cpu_count() or 2) // 2)
        self._hashing = threading.BoundedSemaphore(slots)

    def authenticate(
        self, session: Session, username: str, password: str, address: str
    ) -> User | None:
        """The active user with this name and password, or None (counted as a failure);
        TooManyAttempts while the account or address must wait or hashing is busy."""
        account = username.strip().casefold()
        wait = max(self.accounts.wait(account), self.addresses.wait(address))
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
            self.accounts.failed(account)
            self.addresses.failed(address)
        else:
            # Only the account is forgiven: one known password must not reopen an
            # address that was guessing other accounts.
            self.accounts.forget(account)
        return user
