"""Issue 16: an attachment that is two formats at once (PDF+HTML, JPEG+HTML, PNG+PHP) is told
apart from a plain one (tickets.attachments.kinds.second_format), so it is refused, not kept as
its declared type."""

import random

import pytest

from tickets.attachments.kinds import JPEG, PDF, PNG, second_format, sniff

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PDF_HEAD = b"%PDF-1.7\n"

POLYGLOTS = [
    (PDF, PDF_HEAD + b"1 0 obj\n<< >>\nendobj\n<html><body><script>alert(document.cookie)</script>", "HTML"),
    (JPEG, JPEG_HEAD + b"\xff\xfe\x00\x30<!DOCTYPE html><svg onload=alert(1)>" + b"\xff\xd9", "HTML"),
    (JPEG, JPEG_HEAD + b"\x11" * 100 + b"\xff\xd9<SCRIPT\n>alert(1)</SCRIPT>", "HTML"),
    (PNG, PNG_HEAD + b"\x00\x00\x00\x1btEXtComment\x00<?php system($_GET['c']); ?>", "PHP"),
    (PNG, PNG_HEAD + b"IEND\xaeB`\x82<?PHP echo 1;", "PHP"),
    (PDF, PDF_HEAD + b"<iframe/src=javascript:alert(1)>", "HTML"),
    (JPEG, JPEG_HEAD + b"\x11" * 50 + b"<img src=x onerror=alert(1)>", "HTML"),
]


@pytest.mark.parametrize(("kind", "data", "other"), POLYGLOTS)
def test_a_file_that_is_also_a_page_or_a_script_is_told(kind, data: bytes, other: str) -> None:
    assert sniff(data[:32]) is kind and second_format(data) == other


@pytest.mark.parametrize("data", [
    JPEG_HEAD + b"\x11" * 2000,
    PNG_HEAD + b"\x00" * 100 + b"IEND\xaeB`\x82",
    PDF_HEAD + b"<</Type/Catalog/Pages 2 0 R>>\n<x:xmpmeta><dc:title>" + "报修单".encode() + b"</dc:title>"
    b"</x:xmpmeta>\n%%EOF",
    PDF_HEAD + b"a < b and c<d; <imgs are not tags; <htmlish; <img alt=x>; <svg width=1>",
])
def test_plain_files_are_not_told_apart(data: bytes) -> None:
    assert second_format(data) is None


def test_random_photo_bytes_are_not_markup() -> None:
    """Compressed image data is close to random: 8 MB of it holds none of the markers."""
    assert second_format(JPEG_HEAD + random.Random(16).randbytes(8 * 1024 * 1024)) is None
