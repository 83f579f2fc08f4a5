"""What an invoice had open at the end of a day: the steps and the one-day
rule agree on every day, for any payments and closing."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from debtors.as_of import open_on, segments

BASE = dt.date(2026, 1, 1)
day = st.integers(0, 120).map(lambda n: BASE + dt.timedelta(days=n))


@given(
    amount=st.integers(1, 10_000),
    issued=day,
    allocations=st.lists(st.tuples(day, st.integers(1, 3_000)), max_size=4),
    closed=st.one_of(st.none(), day),
    adjustment=st.integers(0, 500),
)
def test_steps_and_the_one_day_rule_agree(amount, issued, allocations, closed, adjustment):
    paid = sum(a for _d, a in allocations)
    open_amount = max(amount - paid - adjustment, 0) if closed is None else 0
    for offset in range(-2, 130):
        when = BASE + dt.timedelta(days=offset)
        rule = open_on(
            amount=amount,
            open_amount=open_amount,
            issue_date=issued,
            closed=closed,
            allocations=allocations,
            day=when,
        )
        stepped = next(
            (
                v
                for a, b, v in segments(
                    amount=amount,
                    open_amount=open_amount,
                    issue_date=issued,
                    closed=closed,
                    allocations=allocations,
                )
                if a <= when < b
            ),
            0,
        )
        assert rule == stepped, when


def test_an_open_invoice_ends_at_the_ledgers_open_amount():
    # 1,000 issued, 300 paid on day 10, finance corrected the open amount to 500.
    kwargs = dict(
        amount=1000,
        open_amount=500,
        issue_date=BASE,
        closed=None,
        allocations=[(BASE + dt.timedelta(days=10), 300)],
    )
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=30)) == 500
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=9)) == 800
    assert open_on(**kwargs, day=BASE - dt.timedelta(days=1)) == 0


def test_a_closed_invoice_holds_nothing_from_its_closing_day():
    kwargs = dict(
        amount=1000,
        open_amount=0,
        issue_date=BASE,
        closed=BASE + dt.timedelta(days=5),
        allocations=[],
    )
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=4)) == 1000
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=5)) == 0


def test_a_payment_after_closing_changes_nothing_after_it():
    kwargs = dict(
        amount=1000,
        open_amount=0,
        issue_date=BASE,
        closed=BASE + dt.timedelta(days=5),
        allocations=[(BASE + dt.timedelta(days=9), 1000)],
    )
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=4)) == 1000
    assert open_on(**kwargs, day=BASE + dt.timedelta(days=10)) == 0
