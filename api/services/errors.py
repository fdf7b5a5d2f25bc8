"""What a service refuses, and why, in words a person can act on.

Services know nothing of HTTP; each refusal names its kind, and the edges turn it into
an answer: the API into a status code with ``detail``, the pages into a message, the
command line into an error line.
"""


class ServiceError(Exception):
    """A request the service cannot carry out; ``detail`` says why."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ServiceError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(ServiceError):
    """The user's role may not do this."""

    status = 403


class Conflict(ServiceError):
    """Not now: the state of the data does not allow it (a plan already approved…)."""

    status = 409


class Gone(ServiceError):
    """It existed but has expired (a checked upload waiting too long)."""

    status = 410


class TooLarge(ServiceError):
    """More than the service accepts in one request."""

    status = 413


class Invalid(ServiceError):
    """The request names something that does not fit (an unknown city, officer…)."""

    status = 422


class TooManyAttempts(ServiceError):
    """Not so often: try again after ``retry_after`` seconds (sign-in backoff, busy)."""

    status = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def retry_after(exc: ServiceError) -> dict[str, str] | None:
    """The `Retry-After` header a refusal asks the client to honour, if any."""
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(exc.retry_after)}
    return None
