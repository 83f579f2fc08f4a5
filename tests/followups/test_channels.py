import datetime
import re
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import include, path

from accounts.models import AuditEvent
from collections_crm import urls as project_urls
from followups.channels import (
    ProviderPermanentError,
    ProviderTemporaryError,
    compose,
    email_build,
    email_send,
    sms,
)
from followups.channels.compose import SMS_MAX_CHARS
from followups.optout import opt_out_token, opt_out_url
from scripts_library.loader import load_content
from tests.debtors.factories import ContactFactory, DebtorFactory, InvoiceFactory
from tests.scripts_library.factories import TalkTrackFactory

# The project urls plus the opt-out page, until the lead includes it there.
urlpatterns = [*project_urls.urlpatterns, path("", include("followups.urls_optout"))]

PURPOSES = ["dunning", "dunning_step", "promise_reminder", "promise_thanks", "broken_promise"]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _channel_settings(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.SITE_URL = "https://crm.example.com"
    settings.COMPANY_NAME = "Northwind Supply Co."
    settings.DEFAULT_FROM_EMAIL = "Collections <collections@northwind.example>"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    sms.outbox.clear()


@pytest.fixture
def library(db):
    load_content()  # a transactional test elsewhere may have flushed it


def make_contact(language="en", debtor_type="forgetful", **kwargs):
    debtor = DebtorFactory(
        name="Alpha Trading",
        language=language,
        debtor_type=debtor_type,
        open_balance=Decimal("12345.60"),
        overdue_balance=Decimal("12345.60"),
        oldest_due_date=datetime.date(2026, 10, 1),
        max_days_past_due=12,
    )
    InvoiceFactory(debtor=debtor, number="INV-1", due_date=datetime.date(2026, 10, 1))
    return ContactFactory(debtor=debtor, name="Li Wei", mobile="+8613812345678", **kwargs)


def compose_for(contact, channel, purpose, **kwargs):
    return compose(
        debtor=contact.debtor,
        contact=contact,
        channel=channel,
        purpose=purpose,
        promise_amount=Decimal("1234.00"),
        promise_date=datetime.date(2026, 11, 21),
        opt_out_url=opt_out_url(contact, channel),
        **kwargs,
    )


# Composing


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("purpose", PURPOSES)
def test_it_composes_an_sms_for_every_purpose(library, language, purpose):
    contact = make_contact(language)
    composed = compose_for(contact, "sms", purpose)

    assert composed.language == language
    assert not PLACEHOLDER.search(composed.text)
    assert len(composed.text) <= SMS_MAX_CHARS
    assert composed.text.splitlines()[-1].count(opt_out_url(contact, "sms")) == 1
    assert composed.subject == composed.html == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("purpose", PURPOSES)
def test_it_composes_an_email_for_every_purpose(library, language, purpose):
    contact = make_contact(language)
    composed = compose_for(contact, "email", purpose)
    link = opt_out_url(contact, "email")

    for part in (composed.subject, composed.text, composed.html):
        assert not PLACEHOLDER.search(part)
    assert "Northwind Supply Co." in composed.subject
    assert "\n" not in composed.subject
    assert link in composed.text
    assert f'href="{link}"' in composed.html
    assert f'lang="{language}"' in composed.html


def test_it_writes_dunning_from_the_library_in_the_debtors_language(library):
    zh = compose_for(make_contact("zh-hans"), "sms", "dunning")
    en = compose_for(make_contact("en"), "email", "dunning_step")

    assert zh.track_id is not None and en.track_id is not None
    assert CJK.search(zh.text)
    assert "12,345.60元" in zh.text
    assert "Dear Li Wei" in en.text
    assert "CNY 12,345.60" in en.text
    assert not en.text.startswith("Subject:")


@pytest.mark.parametrize(
    ("language", "amount", "date"),
    [("en", "CNY 1,234.00", "21 Nov 2026"), ("zh-hans", "1,234.00元", "2026年11月21日")],
)
def test_it_writes_promise_reminders_without_a_track(library, language, amount, date):
    contact = make_contact(language)
    before = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)  # the promise is pending
    for channel in ("sms", "email"):
        composed = compose_for(contact, channel, "promise_reminder", now=before)
        assert composed.track_id is None
        assert amount in composed.text
        assert date in composed.text


def test_it_adds_the_payment_link_when_configured(library, settings):
    settings.PAYMENT_LINK_TEMPLATE = "https://pay.example.com/{code}"
    contact = make_contact(debtor_type="hardship")  # its email track has no link
    pay = f"https://pay.example.com/{contact.debtor.code}"

    text = compose_for(contact, "sms", "dunning").text
    email = compose_for(contact, "email", "dunning")
    thanks = compose_for(contact, "sms", "promise_thanks")

    assert pay in text
    assert pay in email.text
    assert f'href="{pay}"' in email.html
    assert pay not in thanks.text


def test_it_links_urls_glued_to_chinese_text_and_escapes_the_rest(library, settings):
    settings.PAYMENT_LINK_TEMPLATE = "https://pay.example.com/{code}"
    contact = make_contact("zh-hans")
    contact.debtor.name = "<b>Alpha</b>"
    contact.debtor.save()
    TalkTrackFactory(
        key="aaa-email",
        debtor_type="forgetful",
        stage="email",
        channel="email",
        language="zh-hans",
        body="主题：对账单\n\n{debtor_name}您好，付款链接：{payment_link}。谢谢",
    )

    html = compose_for(contact, "email", "dunning").html

    assert f'href="https://pay.example.com/{contact.debtor.code}"' in html
    assert "&lt;b&gt;Alpha&lt;/b&gt;" in html


def test_it_shortens_a_long_sms_by_sentences_and_keeps_link_and_opt_out(library, settings):
    settings.PAYMENT_LINK_TEMPLATE = "https://pay.example.com/{code}"
    contact = make_contact()
    sentence = "This sentence is only here to make the message much too long. "
    TalkTrackFactory(
        key="aaa-sms",
        debtor_type="forgetful",
        stage="sms",
        channel="sms",
        body="Hello {contact_name}. Pay here: {payment_link}. " + sentence * 8,
    )

    text = compose_for(contact, "sms", "dunning").text

    assert len(text) <= SMS_MAX_CHARS
    assert text.startswith("Hello Li Wei.")
    assert f"https://pay.example.com/{contact.debtor.code}" in text
    assert text.endswith("to stop texts.")
    assert "…" not in text  # cut between sentences, not inside one


def test_it_rejects_unknown_purposes_and_channels(library):
    contact = make_contact()
    with pytest.raises(ValueError):
        compose_for(contact, "sms", "lawsuit")
    with pytest.raises(ValueError):
        compose(debtor=contact.debtor, contact=contact, channel="call", purpose="dunning")


# Email


def test_it_sends_an_email_with_text_html_and_list_unsubscribe(library):
    contact = make_contact("zh-hans")
    link = opt_out_url(contact, "email")
    composed = compose_for(contact, "email", "broken_promise")

    message_id = email_send(
        email_build(to=contact.email, composed=composed, idempotency_key="fu-1", opt_out_url=link)
    )

    (sent,) = mail.outbox
    assert sent.to == [contact.email]
    assert sent.subject == composed.subject
    assert sent.body == composed.text
    assert sent.alternatives[0][1] == "text/html"
    assert link in sent.alternatives[0][0]
    raw = sent.message()
    assert raw["Message-ID"] == message_id
    assert message_id.endswith("@northwind.example>")
    assert raw["List-Unsubscribe"] == f"<{link}>"
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert raw["X-Idempotency-Key"] == "fu-1"


def test_it_gives_the_same_message_id_for_the_same_key(library):
    contact = make_contact()
    composed = compose_for(contact, "email", "dunning")

    def build(key):
        return email_build(
            to="a@example.com", composed=composed, idempotency_key=key, opt_out_url="https://x/o/1/"
        )

    assert build("k1").message()["Message-ID"] == build("k1").message()["Message-ID"]
    assert build("k1").message()["Message-ID"] != build("k2").message()["Message-ID"]


def test_it_refuses_an_email_without_address_or_opt_out_link(library):
    composed = compose_for(make_contact(), "email", "dunning")
    with pytest.raises(ProviderPermanentError):
        email_build(to="", composed=composed, idempotency_key="k", opt_out_url="https://x/o/1/")
    with pytest.raises(ValueError):
        email_build(to="a@example.com", composed=composed, idempotency_key="k", opt_out_url="")


class RaisingEmailBackend(BaseEmailBackend):
    error: Exception = OSError()

    def send_messages(self, email_messages):
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}), ProviderPermanentError),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"mailbox busy")}), ProviderTemporaryError),
        (smtplib.SMTPDataError(554, b"rejected as spam"), ProviderPermanentError),
        (smtplib.SMTPDataError(451, b"try again later"), ProviderTemporaryError),
        (smtplib.SMTPConnectError(554, b"no service"), ProviderTemporaryError),
        (smtplib.SMTPServerDisconnected("gone"), ProviderTemporaryError),
        (ConnectionRefusedError(), ProviderTemporaryError),
        (TimeoutError(), ProviderTemporaryError),
    ],
)
def test_it_maps_smtp_failures(library, settings, error, expected):
    settings.EMAIL_BACKEND = f"{__name__}.RaisingEmailBackend"
    RaisingEmailBackend.error = error
    composed = compose_for(make_contact(), "email", "dunning")
    message = email_build(
        to="a@x", composed=composed, idempotency_key="k", opt_out_url="https://x/o/1/"
    )

    with pytest.raises(expected):
        email_send(message)


# Opt-out page


def test_it_opts_out_with_a_csrf_protected_form(library):
    contact = make_contact("zh-hans")
    url = opt_out_url(contact, "sms")
    assert url.startswith("https://crm.example.com/o/")
    page = url.removeprefix("https://crm.example.com")
    client = Client(enforce_csrf_checks=True)

    response = client.get(page)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert b'name="csrfmiddlewaretoken"' in response.content

    assert client.post(page).status_code == 403
    contact.refresh_from_db()
    assert contact.opted_out_channels == []

    token = response.context["csrf_token"]
    for _ in range(2):  # a double click changes nothing more
        response = client.post(page, {"csrfmiddlewaretoken": str(token)})
        assert response.status_code == 200
        assert response.context["state"] == "done"
    contact.refresh_from_db()
    assert contact.opted_out_channels == ["sms"]
    (event,) = AuditEvent.objects.filter(target_id=contact.public_id)
    assert (event.action, event.actor) == ("contact.opt_out", None)
    assert event.after == {"opted_out_channels": ["sms"]}
    assert client.get(page).context["state"] == "done"


def test_it_keeps_other_opt_outs(db):
    contact = make_contact(opted_out_channels=["email"])
    page = opt_out_url(contact, "sms").removeprefix("https://crm.example.com")

    Client().post(page)

    contact.refresh_from_db()
    assert contact.opted_out_channels == ["email", "sms"]


def test_it_accepts_a_one_click_unsubscribe_from_the_mail_provider(db):
    contact = make_contact()
    page = opt_out_url(contact, "email").removeprefix("https://crm.example.com")

    response = Client(enforce_csrf_checks=True).post(page, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.opted_out_channels == ["email"]


def test_the_link_in_a_sent_email_works(library):
    contact = make_contact()
    link = opt_out_url(contact, "email")
    composed = compose_for(contact, "email", "dunning")
    email_send(
        email_build(to=contact.email, composed=composed, idempotency_key="k", opt_out_url=link)
    )

    html = mail.outbox[0].alternatives[0][0]
    (found,) = {u for u in re.findall(r'href="([^"]+/o/[^"]+)"', html)}
    response = Client().get(found.removeprefix("https://crm.example.com"))

    assert response.status_code == 200
    assert b"Stop messages by email" in response.content


@pytest.mark.parametrize("mangle", ["tamper", "garbage", "other_salt", "deleted"])
def test_it_answers_404_for_a_bad_token(db, mangle):
    from django.core import signing

    contact = make_contact()
    token = opt_out_token(contact, "sms")
    if mangle == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif mangle == "garbage":
        token = "not-a-token"
    elif mangle == "other_salt":
        token = signing.Signer(salt="something.else", sep=".").sign(token.rsplit(".", 1)[0])
    else:
        contact.delete()

    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/o/{token}/")
        assert response.status_code == 404
        assert b"This link does not work" in response.content
    assert not AuditEvent.objects.filter(action="contact.opt_out").exists()
