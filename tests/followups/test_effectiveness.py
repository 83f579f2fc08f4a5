"""Talk-track effectiveness against a fixture whose every figure was worked out
by hand (see ``fixture`` below for the arithmetic)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from debtors.permissions import debtor_queryset_for_user
from followups.models import Interaction
from reports.effectiveness import (
    CurrencyAmounts,
    EffectivenessRow,
    Rate,
    track_effectiveness,
    track_family_comparison,
    versions_compare,
    wilson_interval,
)
from scripts_library.models import TalkTrack
from tests.debtors.factories import PaymentFactory
from tests.followups.factories import InteractionFactory, PromiseToPayFactory
from tests.scripts_library.factories import TalkTrackFactory

pytestmark = pytest.mark.django_db

D = Decimal
MARCH_FROM = datetime.date(2026, 3, 1)
MARCH_TO = datetime.date(2026, 3, 31)
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=datetime.UTC)


def at(day: str, hour: int = 2) -> datetime.datetime:
    """02:00 UTC is 10:00 the same day in Shanghai, the debtors' time zone."""
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


def use(track, debtor, when, *, user=None, rpc=False):
    interaction = InteractionFactory(
        debtor=debtor,
        user=user or debtor.assigned_collector,
        started_at=when,
        outcome=Interaction.Outcome.RIGHT_PARTY if rpc else Interaction.Outcome.NO_ANSWER,
        right_party_contact=rpc,
    )
    interaction.talk_tracks.add(track)
    return interaction


def promise(interaction, amount, status, kept="0.00", currency="CNY"):
    return PromiseToPayFactory(
        debtor=interaction.debtor,
        interaction=interaction,
        total_amount=D(amount),
        kept_amount=D(kept),
        status=status,
        currency=currency,
    )


@dataclass
class Fixture:
    v1: TalkTrack
    v2: TalkTrack


@pytest.fixture
def fixture(personas) -> Fixture:
    """Track family "eff-opening" (en), v1 retired and v2 published.

    v1, in March, 10 uses:
      debtor A (collector A): i1..i6 on 2 to 7 March, i1..i5 reached the right
        person; i6 is at 20:00 UTC on 6 March = 04:00 on 7 March in Shanghai.
      debtor B (collector B): i7..i10 on 2 to 5 March, nobody reached.
      promises: i1 1000.00 CNY kept (1000.00 paid), i2 600.00 CNY partly kept
        (250.00 paid), i7 400.00 CNY broken, i8 300.00 USD pending, and on i3 a
        cancelled 999.00 CNY that no figure counts.
      payments: A on 5 March and 20 March, so days to pay are
        i1 3, i2 2, i3 1, i4 0, i5 14, i6 13 (local date 7 March) = 33 over 6
        uses, 5.5 days; B paid on 20 Feb (before) and 15 May (over 60 days).
      => n 10; right party 5/10; promise 4/10; kept 1/3 (pending left out);
         CNY 2000.00 promised / 1250.00 paid, USD 300.00 / 0.00.
    v1 also has a use on 10 February (A, collector A, no contact, paid on
      5 March = 23 days) outside March, and one on 15 March with the other
      team's debtor (paid 14 May, exactly 60 days later) outside the East
      manager's portfolio.
    v2, in March, 4 uses with debtor A by collector A on 10 to 13 March, the
      first three reached; one promise 500.00 CNY kept; first payment after
      them 20 March: 10 + 9 + 8 + 7 = 34 over 4 = 8.5 days.
      => n 4; right party 3/4; promise 1/4; kept 1/1.
    """
    a, b, west = personas.debtor_a, personas.debtor_b, personas.debtor_other_team
    v1 = TalkTrackFactory(key="eff-opening", version=1, status="retired")
    v2 = TalkTrackFactory(key="eff-opening", version=2, status="published")

    i = [use(v1, a, at(f"2026-03-0{d}"), rpc=True) for d in range(2, 7)]
    i.append(use(v1, a, at("2026-03-06", hour=20)))
    i += [use(v1, b, at(f"2026-03-0{d}")) for d in range(2, 6)]
    promise(i[0], "1000.00", "kept", kept="1000.00")
    promise(i[1], "600.00", "partly_kept", kept="250.00")
    promise(i[2], "999.00", "cancelled")
    promise(i[6], "400.00", "broken")
    promise(i[7], "300.00", "pending", currency="USD")
    PaymentFactory(debtor=a, received_on=datetime.date(2026, 3, 5))
    PaymentFactory(debtor=a, received_on=datetime.date(2026, 3, 20))
    PaymentFactory(debtor=b, received_on=datetime.date(2026, 2, 20))
    PaymentFactory(debtor=b, received_on=datetime.date(2026, 5, 15))

    use(v1, a, at("2026-02-10"))
    use(v1, west, at("2026-03-15"))
    PaymentFactory(debtor=west, received_on=datetime.date(2026, 5, 14))

    j = [use(v2, a, at(f"2026-03-1{d}"), rpc=d < 3) for d in range(4)]
    promise(j[0], "500.00", "kept", kept="500.00")
    return Fixture(v1=v1, v2=v2)


def by_version(rows):
    return {row.track.version: row for row in rows}


def march(personas, **kwargs):
    return by_version(
        track_effectiveness(
            tracks=TalkTrack.objects.filter(key="eff-opening"),
            debtors=debtor_queryset_for_user(personas.manager),
            date_from=MARCH_FROM,
            date_to=MARCH_TO,
            **kwargs,
        )
    )


# -- the interval --------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (5, 10, "0.2366", "0.7634"),
        (4, 10, "0.1682", "0.6873"),
        (1, 3, "0.0615", "0.7923"),
        (3, 4, "0.3006", "0.9544"),
        (1, 4, "0.0456", "0.6994"),
        (0, 4, "0.0000", "0.4899"),
        (1, 1, "0.2065", "1.0000"),
    ],
)
def test_it_computes_the_wilson_interval(successes, n, low, high):
    assert wilson_interval(successes, n) == (D(low), D(high))


def test_it_has_no_interval_without_data():
    assert wilson_interval(0, 0) is None
    assert Rate(0, 0).value is None and Rate(0, 0).ci_low is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# -- the figures -----------------------------------------------------------------


def test_it_computes_every_figure_of_the_fixture(fixture, personas):
    rows = march(personas)
    assert set(rows) == {1, 2}
    v1, v2 = rows[1], rows[2]

    assert (v1.n, v1.low_sample) == (10, True)
    assert v1.right_party_contacts == 5
    assert (v1.right_party_rate.value, v1.right_party_rate.interval) == (
        D("0.5000"),
        (D("0.2366"), D("0.7634")),
    )
    assert (v1.promises_made, v1.uses_with_promise) == (4, 4)
    assert (v1.promise_rate.value, v1.promise_rate.interval) == (
        D("0.4000"),
        (D("0.1682"), D("0.6873")),
    )
    assert (v1.promises_kept, v1.promises_partly_kept, v1.promises_broken) == (1, 1, 1)
    assert v1.promises_pending == 1
    assert (v1.kept_rate.successes, v1.kept_rate.n) == (1, 3)
    assert (v1.kept_rate.value, v1.kept_rate.interval) == (
        D("0.3333"),
        (D("0.0615"), D("0.7923")),
    )
    assert v1.amounts == (
        CurrencyAmounts(currency="CNY", promised_amount=D("2000.00"), kept_amount=D("1250.00")),
        CurrencyAmounts(currency="USD", promised_amount=D("300.00"), kept_amount=D("0.00")),
    )
    assert (v1.paid_after_use, v1.days_to_pay_total, v1.avg_days_to_pay) == (6, 33, D("5.5"))

    assert (v2.n, v2.right_party_contacts, v2.uses_with_promise, v2.promises_made) == (4, 3, 1, 1)
    assert v2.right_party_rate.interval == (D("0.3006"), D("0.9544"))
    assert v2.promise_rate.interval == (D("0.0456"), D("0.6994"))
    assert (v2.kept_rate.value, v2.kept_rate.interval) == (D("1.0000"), (D("0.2065"), D("1")))
    assert v2.amounts == (
        CurrencyAmounts(currency="CNY", promised_amount=D("500.00"), kept_amount=D("500.00")),
    )
    assert (v2.paid_after_use, v2.avg_days_to_pay) == (4, D("8.5"))


def test_it_counts_a_payment_exactly_60_days_later_and_every_debtor_without_a_scope(fixture):
    rows = by_version(
        track_effectiveness(tracks=[fixture.v1], date_from=MARCH_FROM, date_to=MARCH_TO)
    )
    v1 = rows[1]
    # + the other team's use on 15 March, paid 14 May (60 days): 93 days over 7 uses.
    assert (v1.n, v1.paid_after_use, v1.days_to_pay_total) == (11, 7, 93)
    assert v1.avg_days_to_pay == D("13.3")


def test_it_filters_by_collector_and_debtor_type(fixture, personas):
    rows = march(personas, collector=personas.collector_b)
    assert set(rows) == {1}
    assert (rows[1].n, rows[1].right_party_contacts, rows[1].promises_made) == (4, 0, 2)
    assert rows[1].avg_days_to_pay is None
    assert march(personas, debtor_type="hardship") == {}


def test_it_groups_by_collector(fixture, personas):
    rows = track_effectiveness(
        tracks=[fixture.v1],
        debtors=debtor_queryset_for_user(personas.manager),
        date_from=MARCH_FROM,
        date_to=MARCH_TO,
        group_by=("track", "collector"),
    )
    got = {
        r.collector.username: (
            r.n,
            r.right_party_contacts,
            r.promises_made,
            r.promises_kept,
            r.kept_rate.n,
            r.paid_after_use,
            r.avg_days_to_pay,
            tuple((a.currency, a.promised_amount, a.kept_amount) for a in r.amounts),
        )
        for r in rows
    }
    assert got == {
        "alice": (6, 5, 2, 1, 2, 6, D("5.5"), (("CNY", D("1600.00"), D("1250.00")),)),
        "bob": (
            4,
            0,
            2,
            0,
            1,
            0,
            None,
            (("CNY", D("400.00"), D("0.00")), ("USD", D("300.00"), D("0.00"))),
        ),
    }
    assert all(r.track == fixture.v1 for r in rows)


def test_it_groups_by_month(fixture, personas):
    rows = track_effectiveness(
        tracks=TalkTrack.objects.filter(key="eff-opening"),
        debtors=debtor_queryset_for_user(personas.manager),
        group_by=("track", "month"),
    )
    got = {(r.track.version, r.month): (r.n, r.paid_after_use, r.avg_days_to_pay) for r in rows}
    assert got == {
        (1, datetime.date(2026, 2, 1)): (1, 1, D("23.0")),
        (1, datetime.date(2026, 3, 1)): (10, 6, D("5.5")),
        (2, datetime.date(2026, 3, 1)): (4, 4, D("8.5")),
    }


def test_it_groups_by_debtor_type_across_tracks(fixture, personas):
    rows = track_effectiveness(
        tracks=TalkTrack.objects.filter(key="eff-opening"),
        debtors=debtor_queryset_for_user(personas.manager),
        date_from=MARCH_FROM,
        date_to=MARCH_TO,
        group_by=("debtor_type",),
    )
    assert [(r.debtor_type, r.track, r.n, r.promises_made) for r in rows] == [
        ("unknown", None, 14, 5)
    ]


def test_it_refuses_an_unknown_grouping():
    with pytest.raises(ValueError):
        track_effectiveness(group_by=("weather",))


@pytest.mark.parametrize("count", [2, 20])
def test_it_runs_a_fixed_number_of_queries(personas, django_assert_num_queries, count):
    for n in range(count):
        track = TalkTrackFactory()
        interaction = use(track, personas.debtor_a, at("2026-03-02"), rpc=n % 2 == 0)
        promise(interaction, "100.00", "kept", kept="100.00")
        PaymentFactory(debtor=personas.debtor_a, received_on=datetime.date(2026, 3, 3 + n % 9))
    tracks = TalkTrack.objects.all()
    with django_assert_num_queries(3):  # uses, promises, track versions
        rows = track_effectiveness(tracks=tracks, debtors=debtor_queryset_for_user(personas.admin))
        assert len(rows) == count
        assert [r.track.key for r in rows]
    with django_assert_num_queries(4):  # + the collectors
        rows = track_effectiveness(tracks=tracks, group_by=("track", "collector", "month"))
        assert {r.collector.username for r in rows} == {"alice"}


# -- comparing versions -------------------------------------------------------------------


def test_it_compares_every_version_of_the_family(fixture, personas, django_assert_num_queries):
    v3 = TalkTrackFactory(key="eff-opening", version=3, status="draft")
    with django_assert_num_queries(3):
        comparison = track_family_comparison(
            track=fixture.v2,
            debtors=debtor_queryset_for_user(personas.manager),
            date_from=MARCH_FROM,
            date_to=MARCH_TO,
        )
    assert [(r.track, r.n) for r in comparison.rows] == [(v3, 0), (fixture.v2, 4), (fixture.v1, 10)]
    # 5/10 against 3/4, 4/10 against 1/4, 1/3 against 1/1: every pair overlaps.
    assert [(v.metric, v.verdict, v.leader) for v in comparison.verdicts] == [
        ("right_party_rate", "no_clear_difference", None),
        ("promise_rate", "no_clear_difference", None),
        ("kept_rate", "no_clear_difference", None),
    ]


def test_it_names_a_leader_only_when_the_intervals_do_not_overlap():
    a, b = TalkTrack(version=1), TalkTrack(version=2)
    rows = [
        # 36/40 → (0.7695, 0.9604); 12/40 → (0.1806, 0.4526): apart.
        EffectivenessRow(track=a, uses=40, right_party_contacts=36, uses_with_promise=12),
        # 24/40 → (0.4460, 0.7359) overlaps 12/40.
        EffectivenessRow(track=b, uses=40, right_party_contacts=12, uses_with_promise=24),
    ]
    verdicts = {v.metric: v for v in versions_compare(rows)}
    assert verdicts["right_party_rate"].leader is a
    assert verdicts["right_party_rate"].verdict == "clear"
    assert verdicts["promise_rate"].verdict == "no_clear_difference"
    assert verdicts["kept_rate"].verdict == "not_enough_data"
    assert not rows[0].low_sample


# -- the page fragment ----------------------------------------------------------------------


def fragment_url(track):
    return f"/scripts/{track.public_id}/effectiveness/"


@pytest.mark.parametrize("persona", ["collector_a", "finance"])
def test_the_fragment_is_404_for_people_who_do_not_edit_scripts(client, fixture, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(fragment_url(fixture.v1)).status_code == 404


def test_the_fragment_needs_a_login(client, fixture):
    response = client.get(fragment_url(fixture.v1))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_fragment_is_404_for_an_unknown_track(client, personas):
    client.force_login(personas.manager)
    assert (
        client.get("/scripts/00000000-0000-0000-0000-000000000000/effectiveness/").status_code
        == 404
    )


@time_machine.travel(NOW, tick=False)
def test_a_manager_sees_the_figures_side_by_side(client, fixture, personas):
    client.force_login(personas.manager)
    response = client.get(fragment_url(fixture.v2), {"days": 30}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="effectiveness-v1"' in html and 'data-testid="effectiveness-v2"' in html
    v1 = html.split('data-testid="effectiveness-v1"')[1]
    assert "50% (24–76%)" in v1  # right party 5/10
    assert "40% (17–69%)" in v1  # promises 4/10
    assert "33% (6–79%)" in v1  # kept 1/3
    assert "¥2,000.00" in v1 and "¥1,250.00" in v1 and "$300.00" in v1
    assert "5.5 days" in v1
    assert "too few calls to judge" in v1
    assert "75% (30–95%)" in html  # v2 right party 3/4
    assert "no clear difference yet" in html
    link_30 = html.split('?days=30"')[2].split("</a>")[0]
    assert 'aria-current="true"' in link_30


@time_machine.travel(NOW, tick=False)
def test_the_period_filter_changes_the_figures(client, fixture, personas):
    client.force_login(personas.manager)
    html = client.get(fragment_url(fixture.v1), {"days": 90}).content.decode()
    v1 = html.split('data-testid="effectiveness-v1"')[1]
    assert '<td class="num">11<' in v1  # + the use of 10 February
    # an unknown period falls back to 90 days
    assert client.get(fragment_url(fixture.v1), {"days": "7"}).content.decode() == html


@time_machine.travel(NOW, tick=False)
def test_another_teams_manager_sees_only_their_debtors(client, fixture, personas):
    client.force_login(personas.other_manager)
    html = client.get(fragment_url(fixture.v1), {"days": 30}).content.decode()
    v1 = html.split('data-testid="effectiveness-v1"')[1]
    assert '<td class="num">1<' in v1
    assert "¥" not in v1


def test_the_track_page_loads_the_fragment_for_editors_only(client, fixture, personas):
    url = f"/scripts/{fixture.v1.public_id}/"
    client.force_login(personas.manager)
    assert f'hx-get="{fragment_url(fixture.v1)}"' in client.get(url).content.decode()
    client.force_login(personas.collector_a)
    assert fragment_url(fixture.v1) not in client.get(url).content.decode()


# -- the API ---------------------------------------------------------------------------------


def stats_url(track):
    return f"/api/scripts/tracks/{track.public_id}/stats/"


@time_machine.travel(NOW, tick=False)
def test_the_api_returns_the_figures_per_version(client, fixture, personas):
    client.force_login(personas.manager)
    response = client.get(stats_url(fixture.v1), {"days": 30})
    assert response.status_code == 200
    data = response.json()
    assert (data["key"], data["days"], data["date_from"], data["date_to"]) == (
        "eff-opening",
        30,
        "2026-03-02",
        "2026-03-31",
    )
    v2, v1 = data["versions"]
    assert (v1["id"], v1["version"], v1["n"], v1["low_sample"]) == (
        str(fixture.v1.public_id),
        1,
        10,
        True,
    )
    assert v1["right_party_rate"] == {
        "value": 0.5,
        "ci_low": 0.2366,
        "ci_high": 0.7634,
        "successes": 5,
        "n": 10,
        "low_sample": True,
    }
    assert (v1["promise_rate"]["ci_low"], v1["promise_rate"]["ci_high"]) == (0.1682, 0.6873)
    assert v1["kept_rate"]["n"] == 3
    assert v1["amounts"] == [
        {"currency": "CNY", "promised_amount": "2000.00", "kept_amount": "1250.00"},
        {"currency": "USD", "promised_amount": "300.00", "kept_amount": "0.00"},
    ]
    assert (v1["promises_made"], v1["promises_kept"], v1["promises_partly_kept"]) == (4, 1, 1)
    assert (v1["paid_after_use"], v1["avg_days_to_pay"]) == (6, "5.5")
    assert v2["right_party_rate"]["value"] == 0.75
    assert data["comparison"][0] == {
        "metric": "right_party_rate",
        "verdict": "no_clear_difference",
        "leader": None,
    }


@pytest.mark.parametrize(("persona", "status"), [("collector_a", 403), ("finance", 403)])
def test_the_api_refuses_people_who_do_not_edit_scripts(client, fixture, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(stats_url(fixture.v1)).status_code == status


def test_the_api_answers_404_for_an_unknown_track_and_refuses_strangers(client, fixture, personas):
    assert client.get(stats_url(fixture.v1)).status_code in (401, 403)
    client.force_login(personas.admin)
    assert (
        client.get("/api/scripts/tracks/00000000-0000-0000-0000-000000000000/stats/").status_code
        == 404
    )
    assert client.get(stats_url(fixture.v1), {"days": "0"}).status_code == 400
    assert client.get(stats_url(fixture.v1)).status_code == 200
