"""The renderer fetches nothing: hostile text stays text, and raw HTML cannot reach out either."""

from compliance.reports.pdfa import attachments
from compliance.reports.records import (
    AccessReport,
    Controller,
    Finding,
    VacancyProcessing,
    render_record,
)
from compliance.reports.render import AssetsOnlyFetcher, assets_folder, write_pdf
from tests.compliance.reports.conftest import pdf_text


def hostile(url: str) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{url}/link.css">',
        f"<style>@import url({url}/import.css);</style>",
        f'<div style="background: url({url}/bg.png)">x</div>',
        f'<iframe src="{url}/frame.html"></iframe>',
    ]


def access_report(texts: list[str]) -> AccessReport:
    vacancy = VacancyProcessing(1, "Developer", "open", ["Python"], ["rss"], 3, 28, 3, 1, None)
    findings = [Finding("rss", "https://blog.example/post", None, text, ["Python"],
                        comment=text) for text in texts]
    return AccessReport("7", Controller("Acme", "", ""), [("name", texts[0])], vacancy, [],
                        None, "", findings=findings)


def test_hostile_finding_text_is_shown_as_text_and_fetches_nothing(app, http_server):
    texts = hostile(http_server.url)
    pdf = render_record(access_report(texts), lang="en")
    text = pdf_text(pdf)
    for snippet in ('<img src="file:///etc/passwd">', "<iframe src=", "@import url(",
                    'style="background: url('):
        assert snippet in text
    assert f'href="{http_server.url}/link.css"' in text
    assert http_server.requests == []
    assert "root:x:0:0" not in text


def test_the_fetcher_refuses_raw_html_that_reaches_out(app, http_server):
    fetcher = AssetsOnlyFetcher(assets_folder())
    html = ('<html><head><link rel="stylesheet" href="report.css"></head><body>'
            + "".join(hostile(http_server.url))
            + f'<object data="{http_server.url}/object"></object>'
            + '<img src="../style.css"><img src="/etc/passwd"></body></html>')
    pdf = write_pdf(html, data=b'{"format": "test"}', data_name="t.json", title="t",
                    fetcher=fetcher)
    assert http_server.requests == []
    refused = " ".join(fetcher.refused)
    for leak in ("file:///etc/passwd", "link.css", "import.css", "bg.png"):
        assert leak in refused
    assert "style.css" in refused  # static/ outside static/pdf/ is refused too
    assert fetcher.served == ["report.css"]  # the project's own stylesheet, and nothing else
    assert b"root:x:0:0" not in pdf
    assert list(attachments(pdf)) == ["t.json"]
