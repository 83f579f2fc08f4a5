"""Errors every outbound channel raises, so the sending task can decide alone:
retry a temporary error with backoff, give up on a permanent one and show it
to managers."""


class ProviderTemporaryError(Exception):
    """The provider may accept the same message later (rate limit, outage,
    timeout). Retry with the same idempotency key."""

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderPermanentError(Exception):
    """Retrying will not help (bad number or address, rejected content, wrong
    configuration)."""
