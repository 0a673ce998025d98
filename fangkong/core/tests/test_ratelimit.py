import pytest
from django.core.cache import cache
from django.test import RequestFactory

from fangkong.core.ratelimit import address_hash, over_limit, parse_rate


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("20/h", (20, 3600)), ("40/10min", (40, 600)), ("5 / s", (5, 1)), ("1/day", (1, 86400))],
)
def test_rates_are_read_as_count_and_seconds(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "20", "20/hour", "h/20", "-1/h"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(ValueError):
        parse_rate(rate)


def test_an_address_is_limited_per_scope_and_others_are_not():
    cache.clear()
    rf = RequestFactory()
    one, other = rf.get("/", REMOTE_ADDR="10.0.0.1"), rf.get("/", REMOTE_ADDR="10.0.0.2")
    assert [over_limit(one, "a", "2/h") for _ in range(3)] == [False, False, True]
    assert over_limit(other, "a", "2/h") is False
    assert over_limit(one, "b", "2/h") is False
    assert "10.0.0.1" not in address_hash(one) and len(address_hash(one)) == 64


def test_failed_lookups_count_per_address_and_genuine_ones_per_link(settings):
    from fangkong.core.ratelimit import refused_lookup

    cache.clear()
    settings.FANGKONG_REPORT_RATE, settings.FANGKONG_LINK_RATE = "2/h", "3/h"
    one = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    misses = [refused_lookup(one, "s", f"bad{i}", found=False) for i in range(4)]
    hits = [refused_lookup(one, "s", "genuine", found=True) for _ in range(4)]
    assert misses == [False, False, True, True]
    assert hits == [False, False, False, True]
    assert refused_lookup(one, "s", "another-genuine", found=True) is False
