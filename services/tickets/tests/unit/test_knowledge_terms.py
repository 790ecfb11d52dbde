"""What a knowledge-base article is found by (TKT-10): Chinese by characters and pairs, English by
words, kinds and categories as terms; and a training case's text with no name, number or unit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tickets.domain.anonymise import anonymise
from tickets.domain.search_terms import indexed_terms, query_terms, score


def test_chinese_by_pairs_english_by_words() -> None:
    terms = set(indexed_terms("厨房水管漏水", "Kitchen pipe LEAKS", kinds=["repair"], categories=["plumbing"]))
    assert {"漏水", "水管", "厨房", "水", "kitchen", "leaks", "kind:repair", "cat:plumbing"} <= terms
    assert set(query_terms("水管漏水")) <= terms and set(query_terms("漏水 leaks")) <= terms
    assert not set(query_terms("水漏")) <= terms  # the pair written the other way round is another word
    assert query_terms("水") == ["水"] and query_terms("ＬＥＡＫ") == ["leak"]
    assert query_terms("电梯 电梯 lift") == ["电梯", "lift"]


@given(st.text(alphabet="漏水电梯困人停电abc 12", min_size=1, max_size=30))
def test_every_text_is_found_by_any_piece_of_it(text: str) -> None:
    indexed = set(indexed_terms(text))
    for piece in text.split():
        assert set(query_terms(piece)) <= indexed


def test_a_title_counts_three_times() -> None:
    assert score(["漏水", "水管"], ["漏水"], ["漏水", "水管"]) == 4


def test_no_name_number_or_unit_is_left() -> None:
    text = ("1-101室的李伟（手机138 1234 5678，身份证11010519491231002X）说3栋1201的邻居也漏水，"
            "李先生很生气，维修工王强上门。固话0755-88886666。面积89.5平方米，2026-11-03发生。")
    done = anonymise(text, people=["李伟", "王强"], units=["1-101"], phones=["13812345678"])
    for secret in ("李伟", "李先生", "王强", "138", "5678", "11010519491231002X", "1-101", "1201", "88886666"):
        assert secret not in done, secret
    assert "89.5平方米" in done and "2026-11-03" in done and "漏水" in done
