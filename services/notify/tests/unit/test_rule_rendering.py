"""A rule's message renders what the event gives and leaves the rest empty (an event may lack a
value, e.g. a ticket not yet assigned); template texts of notices are strict instead."""

import pytest

from notify.messages.queueing import render
from notify.templates.rendering import UnknownVariable
from notify.templates.rendering import render as render_strictly


def test_a_value_the_event_does_not_give_renders_empty_where_a_notice_would_refuse():
    assert render("${name}您好，${x}", {"name": "张三"}) == "张三您好，"
    with pytest.raises(UnknownVariable):
        render_strictly("${name}您好，${x}", {"name": "张三"})
