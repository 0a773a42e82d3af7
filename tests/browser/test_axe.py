"""The axe-core check the browser tests run on every page can fail, and names what failed."""

import pytest


def test_axe_check_fails_on_a_violation_and_names_it(page, axe):
    page.set_content("<html lang='en'><body><main><img src='data:,'></main></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        axe.check()
    axe.checked.add(page.url)  # seen failing: nothing left unchecked


def test_a_page_loaded_without_a_check_is_reported(page, axe):
    with page.expect_event("load"):  # the listener has seen it once this returns
        page.set_content("<!doctype html><html lang='en'><head><title>Hello</title></head>"
                         "<body><main><h1>Hello</h1></main></body></html>")
    assert axe.unchecked() == [page.url]
    axe.check()
    assert axe.unchecked() == []
