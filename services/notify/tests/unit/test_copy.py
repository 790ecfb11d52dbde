"""The copy keeps one mobile and one e-mail per person: the preferred of each kind, else the first."""

from servicekit.copies import preferred


def test_the_preferred_point_of_a_kind_wins_over_the_first():
    points = [{"kind": "mobile", "value": "13800000001", "preferred": False},
              {"kind": "email", "value": "a@example.com", "preferred": False},
              {"kind": "mobile", "value": "13800000002", "preferred": True}]
    assert preferred(points, "mobile") == "13800000002"
    assert preferred(points, "email") == "a@example.com"
    assert preferred(points, "other") is None
    assert preferred(None, "mobile") is None
