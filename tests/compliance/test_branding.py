"""The organisation's logo: checked as an image, stored clean, served from our own origin."""

import base64
from io import BytesIO

import pytest
from PIL import Image, PngImagePlugin

from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.branding import (
    MAX_LOGO_BYTES,
    LogoError,
    clean_logo,
    current_brand,
    logo_data_uri,
)
from compliance.organisation import get_settings
from compliance.reports.render import AssetsOnlyFetcher, RefusedURL

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def png(width: int = 40, height: int = 20, **info) -> bytes:
    out = BytesIO()
    text = PngImagePlugin.PngInfo()
    for key, value in info.items():
        text.add_text(key, value)
    Image.new("RGB", (width, height), (10, 80, 160)).save(out, format="PNG", pnginfo=text)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    Image.new("RGB", (30, 30), (200, 0, 0)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def noisy_png(side: int) -> bytes:
    """A PNG that compresses badly, so that it is larger than a logo may be."""
    out = BytesIO()
    Image.frombytes("RGB", (side, side), bytes(range(256)) * (side * side * 3 // 256 + 1)
                    ).effect_spread(50).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("data", [png(Author="Jane Doe"), jpeg_with_exif()])
def test_a_logo_is_re_encoded_as_png_without_its_metadata(data):
    cleaned = clean_logo(data)
    with Image.open(BytesIO(cleaned)) as image:
        assert image.format == "PNG"
        assert "Author" not in image.info and "exif" not in image.info
    assert b"Jane Doe" not in cleaned and b"secret description" not in cleaned


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00 not an image at all, whatever its name says", "not a PNG or JPEG"),
    (SVG, "not a PNG or JPEG"),
    (b"GIF89a" + png()[6:], "not a PNG or JPEG"),
    # Cut short, also once WeasyPrint (imported above) told Pillow to fill truncated images in.
    (png()[:60], "not a PNG or JPEG"),
    (jpeg_with_exif()[:-40], "not a PNG or JPEG"),
    (png(3000, 4), "at most 2048 by 2048 pixels"),
    (b"", "Choose a PNG or JPEG file."),
])
def test_what_is_not_a_logo_is_refused(data, message):
    with pytest.raises(LogoError) as refused:
        clean_logo(data)
    assert message in str(refused.value)


def test_a_logo_larger_than_allowed_is_refused():
    data = noisy_png(500)
    assert len(data) > MAX_LOGO_BYTES
    with pytest.raises(LogoError, match="at most 512 KB"):
        clean_logo(data)


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


FORM = {"controller_name": "Acme B.V.", "display_name": "Acme Careers",
        "controller_address": "Damrak 1, Amsterdam", "dpo_contact": "dpo@acme.test",
        "default_retention_days": "30", "default_lookback_years": "2",
        "default_languages": ["nl"]}


@pytest.mark.parametrize(("name", "data", "message"), [
    ("logo.png", b"%PDF-1.7 not an image", "This file is not a PNG or JPEG image."),
    ("logo.svg", SVG, "This file is not a PNG or JPEG image."),
    ("logo.png", png(4000, 2), "The logo may be at most 2048 by 2048 pixels."),
])
def test_a_bad_logo_gets_a_field_message_and_nothing_is_saved(client, db, admin, name, data,
                                                               message):
    response = client.post("/admin/settings", data={**FORM, "logo": (BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="field-error" id="logo-error">{message}</p>' in page
    assert 'aria-describedby="logo-hint logo-error" aria-invalid="true"' in page
    db.session.rollback()
    settings = get_settings()
    assert (settings.display_name, settings.logo_hash) == ("", "")  # not half written


def test_an_uploaded_logo_is_audited_and_served_from_our_origin(client, db, admin):
    response = client.post("/admin/settings",
                           data={**FORM, "logo": (BytesIO(png(Comment="x")), "acme.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.rollback()
    brand = current_brand()
    assert brand.name == "Acme Careers" and len(brand.logo_hash) == 64
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.SETTINGS_UPDATED).order_by(AuditEvent.seq.desc())
    ).first()
    assert event.details == {"fields": ["logo"], "logo": brand.logo_hash}

    with client.application.test_request_context():
        url = brand.logo_url
    assert url == f"/brand/logo-{brand.logo_hash}.png"
    client.post("/logout")
    served = client.get(url)  # a candidate has no account: no login needed
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.data == get_settings().logo_png
    assert client.get(f"/brand/logo-{'0' * 64}.png").status_code == 404
    assert logo_data_uri().startswith("data:image/png;base64,")


def test_the_logo_can_be_removed(client, db, admin):
    client.post("/admin/settings", data={**FORM, "logo": (BytesIO(png()), "a.png")},
                content_type="multipart/form-data")
    db.session.rollback()
    old = current_brand().logo_hash
    page = client.get("/admin/settings").get_data(as_text=True)
    assert f"/brand/logo-{old}.png" in page and 'name="remove_logo"' in page
    assert client.post("/admin/settings", data={**FORM, "remove_logo": "1"}).status_code == 302
    db.session.rollback()
    assert get_settings().logo_hash == "" and get_settings().logo_png is None
    assert client.get(f"/brand/logo-{old}.png").status_code == 404


def test_the_pdf_renderer_takes_an_embedded_png_and_still_refuses_other_data(app, tmp_path):
    fetcher = AssetsOnlyFetcher(tmp_path)
    logo = clean_logo(png())
    fetched = fetcher.fetch("data:image/png;base64," + base64.b64encode(logo).decode())
    assert fetched.read() == logo and fetched.content_type == "image/png"
    for url in ["data:text/css;base64,Ym9keXt9", "data:image/svg+xml;base64,PHN2Zy8+",
                "data:image/png;base64,not base64!", "http://127.0.0.1:9/logo.png"]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
