"""Static assets: a page links them by a fingerprint of their bytes, and that address may be
cached for a year; any other address is revalidated with its ETag, so nothing goes stale."""

import hashlib
import re
from pathlib import Path

STYLE = Path(__file__).resolve().parents[3] / "static" / "style.css"


def linked_stylesheet(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_pages_link_the_stylesheet_by_its_content_hash(client):
    href = linked_stylesheet(client)
    version = hashlib.sha256(STYLE.read_bytes()).hexdigest()[:16]
    assert href == f"/static/style.css?v={version}"


def test_the_fingerprinted_address_is_cached_for_a_year(client):
    with client.get(linked_stylesheet(client)) as response:
        assert response.status_code == 200
        assert response.get_data() == STYLE.read_bytes()
        cache = response.cache_control
        assert cache.max_age == 365 * 24 * 3600 and cache.public and cache.immutable
        assert not cache.no_cache and not cache.no_store
        assert response.headers["ETag"]


def test_other_addresses_are_revalidated_with_the_etag(client):
    for address in ["/static/style.css", "/static/style.css?v=0123456789abcdef"]:
        with client.get(address) as response:
            assert response.status_code == 200
            assert response.cache_control.no_cache and not response.cache_control.immutable
            etag = response.headers["ETag"]
        with client.get(address, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304 and again.get_data() == b""


def test_a_missing_asset_is_a_404_no_one_is_told_to_keep(client):
    with client.get("/static/nothing.css?v=0123456789abcdef") as response:
        assert response.status_code == 404
        assert "max-age" not in response.headers.get("Cache-Control", "")
