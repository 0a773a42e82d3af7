"""Why a source could not be read: one exception type carrying a closed set of reasons."""

import enum
import logging
import traceback

log = logging.getLogger(__name__)
# What the candidate and the audit log are told when a reader itself failed on some input.
UNEXPECTED = "its content has a shape that could not be read"


class Failure(enum.StrEnum):
    """The reasons a source fails, as reported to the audit log and the candidate."""

    INVALID_ACCOUNT = "invalid_account"
    BLOCKED = "blocked"
    TIMEOUT = "timeout"
    NETWORK = "network"
    NOT_FOUND = "not_found"
    GONE = "gone"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    HTTP_ERROR = "http_error"
    TOO_LARGE = "too_large"
    GARBAGE = "garbage"
    INVALID_EXPORT = "invalid_export"


class SourceError(Exception):
    """A source could not be read; `message` names hosts and limits, never post content."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message

    def __str__(self) -> str:
        return f"{self.failure}: {self.message}"


def unexpected(failure: Failure, error: Exception, what: str) -> SourceError:
    """Turn a reader's own failure into a SourceError, logging where it failed but not on what.

    Exception messages often quote the input (a post, a name), so only the type and the
    frames are logged.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("reading %s failed unexpectedly: %s\n%s", what, type(error).__name__, frames)
    return SourceError(failure, UNEXPECTED)
