"""Which of the broker's vhosts a killed test run left behind: ours, and older than any run lasts."""

from servicekit.testing import STALE_VHOST_SECONDS, stale_vhosts

NOW = 1_800_000_000.0


def test_only_our_vhosts_older_than_any_run_are_stale():
    old = f"edtest-{int(NOW - STALE_VHOST_SECONDS - 60):x}-0a1b2c3d"
    young = f"edtest-{int(NOW - 600):x}-0a1b2c3d"
    names = ["/", old, young, "edtest-0123456789ab", "billing-7f000000-aa", f"other-{int(NOW - 10**6):x}-aa"]
    assert stale_vhosts(names, NOW) == [old]
