"""DOCX in memory, no I/O: a template filled in a sandbox reads back with its Chinese text; what a
document cannot hold is left out; the template language reaches nothing of Python."""

from __future__ import annotations

import pytest

from owners.documents.docx import render, template_docx, text_of
from owners.domain.errors import Invalid


def test_a_filled_template_reads_back_with_its_chinese():
    filled = render(template_docx("物业服务合同", ["乙方：{{ person_name }}，{{ unit }}"]),
                    {"person_name": "张伟", "unit": "1栋 1-101"})
    assert text_of(filled).splitlines() == ["物业服务合同", "乙方：张伟，1栋 1-101"]


def test_a_name_with_a_character_no_document_can_hold_is_left_out_of_the_file():
    filled = render(template_docx("合同", ["乙方：{{ person_name }}"]), {"person_name": "张\x07伟 & <公司>"})
    assert "乙方：张伟 & <公司>" in text_of(filled)


@pytest.mark.parametrize("text", ["{{ person_name.__class__.__mro__ }}", "{{ nobody }}", "{% if %}"])
def test_the_template_language_reaches_nothing_more(text):
    with pytest.raises(Invalid):
        render(template_docx("合同", [text]), {"person_name": "张伟"})
