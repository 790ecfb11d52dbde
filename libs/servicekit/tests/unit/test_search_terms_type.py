"""SearchTerms keeps a list of words as each database searches it: an array on PostgreSQL, spaced
text on SQLite (so LIKE '% word %' finds one), and reads both back as the same list."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from servicekit.db import SearchTerms


def test_an_array_on_postgresql_and_spaced_text_on_sqlite() -> None:
    terms, pg, lite = SearchTerms(), postgresql.dialect(), sqlite.dialect()
    assert terms.process_bind_param(["漏水", "leak"], pg) == ["漏水", "leak"]
    assert terms.process_bind_param(["漏水", "leak"], lite) == " 漏水 leak "
    assert terms.process_result_value(" 漏水 leak ", lite) == ["漏水", "leak"]
    assert terms.process_result_value(["漏水"], pg) == ["漏水"]
    assert terms.process_bind_param(None, lite) is None
    assert isinstance(terms.load_dialect_impl(pg), postgresql.ARRAY)


@pytest.mark.parametrize("words", [["two words"], [""]])
def test_a_term_is_one_word(words) -> None:
    with pytest.raises(ValueError):
        SearchTerms().process_bind_param(words, sqlite.dialect())
