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


class Problem(enum.StrEnum):
    """What exactly was wrong with what a candidate typed or uploaded, so that pages can say it
    in the reader's language (screening.labels); `message` stays the English for logs."""

    NO_ACCOUNT_SOURCE = "no_account_source"
    ACCOUNT_EMPTY = "account_empty"
    FEED_SCHEME = "feed_scheme"
    FEED_CREDENTIALS = "feed_credentials"
    FEED_HOST = "feed_host"
    MASTODON_URL = "mastodon_url"
    MASTODON_HANDLE = "mastodon_handle"
    BLUESKY_URL = "bluesky_url"
    BLUESKY_DID = "bluesky_did"
    BLUESKY_HANDLE = "bluesky_handle"
    GITHUB_URL = "github_url"
    GITHUB_LOGIN = "github_login"
    UNRECOGNISED_EXPORT = "unrecognised_export"
    FILE_TOO_LARGE = "file_too_large"
    UPLOAD_TOO_LARGE = "upload_too_large"
    MEMBER_TOO_LARGE = "member_too_large"
    ARCHIVE_TOO_LARGE = "archive_too_large"
    ZIP_BOMB = "zip_bomb"
    NOT_A_ZIP = "not_a_zip"
    MEMBER_UNREADABLE = "member_unreadable"
    TOO_NESTED = "too_nested"
    TOO_MANY_FILES = "too_many_files"
    ENCRYPTED = "encrypted"
    NESTED_ARCHIVE = "nested_archive"
    PACKING = "packing"
    PATH_TRAVERSAL = "path_traversal"
    NUL_NAME = "nul_name"
    NOT_X_DATA = "not_x_data"
    BAD_JSON = "bad_json"
    NOT_A_LIST = "not_a_list"
    TOO_MANY_ROWS = "too_many_rows"
    BAD_CSV = "bad_csv"
    NOT_LINKEDIN = "not_linkedin"
    NOT_AN_OUTBOX = "not_an_outbox"


class SourceError(Exception):
    """A source could not be read; `message` names hosts and limits, never post content.

    `problem` and `facts` (file names, limits) let a page say the same in the reader's language.
    """

    def __init__(self, failure: Failure, message: str, problem: Problem | None = None,
                 **facts) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.problem = problem
        self.facts = facts

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
