"""What candidates type as accounts: accepted forms and the message for each wrong one."""

import pytest

from screening.sources.accounts import AccountError, normalise_account
from screening.sources.errors import Failure

ACCEPTED = [
    ("mastodon", "@Gargron@mastodon.social", "Gargron@mastodon.social"),
    ("mastodon", "gargron@Mastodon.Social", "gargron@mastodon.social"),
    ("mastodon", "https://mastodon.social/@Gargron", "Gargron@mastodon.social"),
    ("mastodon", "https://fosstodon.org/users/some_one", "some_one@fosstodon.org"),
    ("mastodon", " @jan.de.vries@social.example.nl ", "jan.de.vries@social.example.nl"),
    ("bluesky", "@Alice.bsky.social", "alice.bsky.social"),
    ("bluesky", "https://bsky.app/profile/alice.example.com", "alice.example.com"),
    ("bluesky", "did:plc:iijrtk7ocored6zuziwmqq3c", "did:plc:iijrtk7ocored6zuziwmqq3c"),
    ("bluesky", "did:web:example.com", "did:web:example.com"),
    ("github", "octocat", "octocat"),
    ("github", "@sigmavirus24", "sigmavirus24"),
    ("github", "https://github.com/octo-cat/", "octo-cat"),
    ("github", "github.com/octocat", "octocat"),
    ("rss", "https://blog.example.org/feed.xml", "https://blog.example.org/feed.xml"),
    ("rss", "medium.com/feed/@someone", "https://medium.com/feed/@someone"),
    ("rss", "https://mastodon.social/@Gargron.rss", "https://mastodon.social/@Gargron.rss"),
]

REFUSED = [
    ("mastodon", "gargron", "@name@instance.social"),
    ("mastodon", "@gar gron@mastodon.social", "spaces"),
    ("mastodon", "@gargron@localhost", "@name@instance.social"),
    ("mastodon", "https://mastodon.social/web/timelines", "https://instance.social/@name"),
    ("mastodon", "@g<script>@mastodon.social", "@name@instance.social"),
    ("bluesky", "alice", "name.bsky.social"),
    ("bluesky", "did:plc:short", "did:plc:"),
    ("bluesky", "https://bsky.app/alice.bsky.social", "https://bsky.app/profile/name"),
    ("github", "-octocat", "single hyphens"),
    ("github", "octo--cat", "single hyphens"),
    ("github", "a" * 40, "up to 39"),
    ("github", "https://gitlab.com/octocat", "https://github.com/login"),
    ("github", "https://github.com/octocat/repo", "https://github.com/login"),
    ("rss", "ftp://example.org/feed", "https://"),
    ("rss", "https://user:pw@example.org/feed", "user name or password"),
    ("rss", "https://nohost/feed", "host name"),
    ("rss", "", "empty"),
    ("twitter", "@someone", "not a source"),
]


@pytest.mark.parametrize(("kind", "typed", "canonical"), ACCEPTED)
def test_accepted_forms_are_normalised(kind: str, typed: str, canonical: str) -> None:
    assert normalise_account(kind, typed) == canonical


@pytest.mark.parametrize(("kind", "typed", "hint"), REFUSED)
def test_wrong_forms_get_a_message_naming_the_right_one(kind: str, typed: str, hint: str) -> None:
    with pytest.raises(AccountError) as caught:
        normalise_account(kind, typed)
    assert caught.value.failure is Failure.INVALID_ACCOUNT
    assert hint in caught.value.message
