from decimal import Decimal

from accounts.models import User
from accounts.templatetags.crm import money, phone_display


def test_chinese_names_read_family_name_first():
    assert User(username="z", first_name="伟", last_name="张").display_name == "张伟"
    assert User(username="j", first_name="Jing", last_name="Chen").display_name == "Jing Chen"
    assert User(username="nobody").display_name == "nobody"


def test_money_shows_the_currency_and_keeps_the_cents():
    assert money(Decimal("12345.5"), "CNY") == "¥12,345.50"
    assert money(Decimal("-80"), "USD") == "-$80.00"
    assert money(Decimal("1"), "CHF") == "1.00 CHF"
    assert money(None, "CNY") == "—"


def test_phone_numbers_are_shown_grouped():
    assert phone_display("+8613812345678") == "+86 138 1234 5678"
    assert phone_display("not a number") == "not a number"
