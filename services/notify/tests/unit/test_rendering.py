"""Templates: ${var} rendering with an error naming the unknown variable; the text by language."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notify.templates.rendering import UnknownVariable, render, text_for, used_variables, variables_in

TEXTS = {"zh-CN": {"subject": "缴费通知", "body": "${name}您好，${unit}物业费${amount}元"},
         "en": {"subject": "Fee due", "body": "Dear ${name}, ${unit} owes ${amount}"}}


def test_variables_are_replaced():
    assert render("${name}您好，应缴${amount}元", {"name": "王芳", "amount": 320}) == "王芳您好，应缴320元"


def test_an_unknown_variable_is_named():
    with pytest.raises(UnknownVariable) as raised:
        render("${name} ${due_date} ${amount}", {"name": "王芳"})
    assert raised.value.names == ["due_date", "amount"]
    assert "${due_date}" in str(raised.value) and raised.value.errors == {
        "body": ["unknown variable due_date", "unknown variable amount"]}


def test_a_double_dollar_is_a_dollar_and_other_dollars_stay():
    assert render("$$${n} costs $5", {"n": 3}) == "$3 costs $5"


def test_the_recipients_language_else_zh_cn():
    assert text_for(TEXTS, "en")["subject"] == "Fee due"
    assert text_for(TEXTS, "zh-CN")["subject"] == "缴费通知"
    assert text_for({"zh-CN": TEXTS["zh-CN"]}, "en")["subject"] == "缴费通知"
    assert text_for(TEXTS, "fr")["subject"] == "缴费通知"


def test_used_variables_of_every_text():
    assert used_variables(TEXTS) == ["name", "unit", "amount"]
    assert variables_in("${a}${b}${a}") == ["a", "b"]


@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
                       st.text(alphabet=st.characters(blacklist_characters="$"), max_size=10), max_size=5))
def test_rendering_replaces_each_given_variable(values):
    text = "|".join(f"${{{name}}}" for name in values)
    assert render(text, values) == "|".join(values.values())
