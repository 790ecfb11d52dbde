"""Documents (OWN-5): proposals and service contracts generated for an owner or occupant from the
operator's or an estate's templates. A template is versioned: a new text under the same code is its
next version, and every generated document names the version it came from and who generated it.

A template is paragraphs of text with fields in double braces, filled when a document is generated
(:data:`FIELDS`); nothing else of the template language runs (a sandbox renders it)."""

from __future__ import annotations

from enum import StrEnum

FIELDS = {
    "person_name": "业主/住户姓名 the person's name",
    "estate_name": "小区名称 the estate",
    "estate_address": "小区地址 its address",
    "unit": "房屋 the unit (building and number), or empty",
    "date": "生成日期 the day it is generated (YYYY-MM-DD)",
    "generated_by": "经办人 who generated it",
}
"""The fields a template may use, ``{{ person_name }}``, and what each holds."""


class Kind(StrEnum):
    CONTRACT = "contract"  # 服务合同
    PROPOSAL = "proposal"  # 方案/建议书


def filename(code: str, version: int, person_name: str, day: str) -> str:
    """The generated file's name: the template, its version, the person and the day."""
    return f"{code}-v{version}-{person_name}-{day}.docx"
