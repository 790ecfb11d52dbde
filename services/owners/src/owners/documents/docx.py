"""DOCX in memory: a template written from paragraphs (python-docx), filled by docxtpl in a Jinja sandbox
(a template's author cannot reach Python from it), and the text of a generated file read back."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from owners.domain.errors import Invalid

# What XML 1.0 cannot hold: a person's name that carries one is written without it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# East Asian text needs an East Asian font in Word and LibreOffice alike, or it falls back to boxes.
CHINESE_FONT = "SimSun"


def template_docx(title: str, paragraphs: Sequence[str]) -> bytes:
    """A DOCX template: the title as a heading, then each paragraph, in a font that has Chinese."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = CHINESE_FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CHINESE_FONT)
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The template filled with ``context``; a field it does not know, or broken braces, is Invalid."""
    document = DocxTemplate(io.BytesIO(template))
    try:
        filled = {k: _NOT_XML.sub("", v) if isinstance(v, str) else v for k, v in context.items()}
        document.render(filled, jinja_env=SandboxedEnvironment(undefined=StrictUndefined, autoescape=True))
    except TemplateError as exc:
        raise Invalid(f"the template cannot be filled: {exc}", f"模板无法填充：{exc}",
                      errors={"paragraphs": [str(exc)]}) from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_of(docx: bytes) -> str:
    """Every paragraph's text of a DOCX, one a line."""
    return "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
