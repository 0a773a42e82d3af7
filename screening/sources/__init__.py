"""Source connectors: public feeds and APIs fetched through one guarded client, and exports.

The screening run calls `fetch_all` (or `fetch_source`) and `read_export`; each yields `Post`s,
and every failure is a `SourceError` whose `failure` is one of `Failure`. Nothing here imports
Flask or the database; configuration comes in as parameters.
"""

from screening.sources.accounts import AccountError, normalise_account
from screening.sources.archives import ArchiveLimits
from screening.sources.errors import Failure, SourceError
from screening.sources.exports import ExportRead, read_export, read_export_with_skips
from screening.sources.fetching import SourceRequest, SourceResult, fetch_all, fetch_source
from screening.sources.http import ClientSettings, GuardedClient
from screening.sources.posts import Post, SourceKind, Window

__all__ = [
    "AccountError",
    "ArchiveLimits",
    "ClientSettings",
    "ExportRead",
    "Failure",
    "GuardedClient",
    "Post",
    "SourceError",
    "SourceKind",
    "SourceRequest",
    "SourceResult",
    "Window",
    "fetch_all",
    "fetch_source",
    "normalise_account",
    "read_export",
    "read_export_with_skips",
]
