"""The one header writer: whatever text it is given, a message holds exactly the headers built."""

from email import errors
from email.parser import BytesParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from compliance.mail import (
    POLICY,
    HeaderName,
    InvalidMessage,
    build,
    check,
    clean_text,
    header,
)

NAMES = ["from", "to", "subject", "date", "message-id"]
# Text that looks like headers, encoded words and line breaks, mixed with anything at all.
HOSTILE = st.lists(st.one_of(
    st.sampled_from(["=?utf-8?q?", "=0D=0A", "?=", "=?utf-8?b?", "DQo=", "\r", "\n", "\x0b",
                     "\x0c", "\x85", "\u2028", "\u2029", "\x00", "Bcc: x@evil.example",
                     "Reply-To:", " ", "\t", '"', "\\", "<", ">", ",", ";", "\u201c", "\u00e9"]),
    st.text(max_size=20)), max_size=30).map("".join)


def message(subject: str = "Hello", name: str = "Fairscreen") -> bytes:
    return build(sender=header(HeaderName.FROM, name, address="jobs@acme.test"),
                 recipient=header(HeaderName.TO, address="jamie@example.org"),
                 subject=header(HeaderName.SUBJECT, subject), body="Hi\n")


def read(wire: bytes):
    return BytesParser(policy=POLICY).parsebytes(wire)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
@example("=?utf-8?q?Jan=0D=0AReply-To:_x@evil.example?=")
@example("x" * 1000)
def test_no_subject_adds_a_header_and_each_reads_back_as_its_literal_text(text):
    email = read(message(subject=text))
    assert [k.lower() for k in email.keys()][:5] == NAMES
    expected = clean_text(text)
    if len(expected) > 300:  # a subject is cut, visibly
        expected = expected[:299].rstrip() + "\u2026"
    assert email["Subject"] == expected
    assert email["To"].addresses[0].addr_spec == "jamie@example.org"


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
@example("Acme B.V. (werving & selectie)")
@example("Zo\u00eb's \"Recruitment\" <team>")
def test_no_sender_name_adds_a_header_or_an_address(name):
    try:
        wire = message(name=name)
    except InvalidMessage:
        # Python's phrase parser reads some long encoded names back with an extra space; the
        # check then refuses the message rather than send what was not written.
        assert len(name.encode()) > 40
        return
    email = read(wire)
    assert [k.lower() for k in email.keys()][:5] == NAMES
    [sender] = email["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (clean_text(name), "jobs@acme.test")


def test_the_literal_of_an_encoded_word_is_written_encoded():
    wire = message(subject="=?utf-8?q?Jan=0D=0AReply-To:_x@evil.example?=")
    assert b"Reply-To" not in wire and b"=?utf-8?q?Jan" not in wire


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "a\x0bb", "a\u2028b", "a\x00b", "a\u202eb"])
def test_control_and_separator_characters_become_spaces(text):
    assert clean_text(text) == "a b"


def test_a_message_with_a_header_more_than_was_written_is_refused():
    wire = message()
    email = read(wire)
    written = [header(HeaderName.FROM, "Fairscreen", address="jobs@acme.test"),
               header(HeaderName.TO, address="jamie@example.org"),
               header(HeaderName.SUBJECT, "Hello"),
               header(HeaderName.DATE, str(email["Date"])),
               header(HeaderName.MESSAGE_ID, str(email["Message-ID"]))]
    check(wire, written)  # as built
    headers, _sep, body = wire.partition(b"\r\n\r\n")
    with pytest.raises(InvalidMessage, match="exactly the headers"):
        check(headers + b"\r\nBcc: x@evil.example\r\n\r\n" + body, written)


@pytest.mark.parametrize("wire", [
    b"Subject: Hello\r\nTo: jamie@example.org (unclosed\r\n\r\nHi\r\n",  # a header defect
    b"Subject: Hello\r\nTo: jamie@\r\n\r\nHi\r\n",  # the parser itself fails
    b"Subject: Hello\r\n continued\r\nno separator\r\n\r\nHi\r\n",  # a message defect
])
def test_a_defective_message_is_refused(wire):
    with pytest.raises(InvalidMessage):
        check(wire, [header(HeaderName.SUBJECT, "Hello")])


def test_the_policy_raises_on_a_message_defect():
    with pytest.raises(errors.MissingHeaderBodySeparatorDefect):
        read(b"Subject: Hello\r\n continued\r\nno separator\r\n\r\nHi\r\n")


@pytest.mark.parametrize("address", [
    "jamie@example.org\r\nBcc: x@evil.example", "jamie@example.org, x@evil.example",
    "Jamie <x@evil.example>", "=?utf-8?q?x?=@example.org", "jamie@localhost", "", "j\u00e9@x.org"])
def test_only_a_plain_address_is_written(address):
    with pytest.raises(InvalidMessage):
        header(HeaderName.TO, address=address)


def test_an_internationalised_domain_is_written_in_ascii():
    assert header(HeaderName.TO, address="jan@b\u00fccher.example").address == \
        "jan@xn--bcher-kva.example"
