"""Telling an upload's format by its first bytes, and making its name safe (no database)."""

import pytest

from tickets.attachments.kinds import HEIC, JPEG, PDF, PNG, WEBP, safe_filename, sniff

HEADS = {
    JPEG: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    PNG: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    WEBP: b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    PDF: b"%PDF-1.7\n%\xe2\xe3",
    HEIC: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
}


@pytest.mark.parametrize("kind", list(HEADS), ids=lambda k: k.content_type)
def test_accepted_formats_are_told_by_their_content(kind) -> None:
    assert sniff(HEADS[kind]) is kind


def test_generic_heif_counts_as_heic_only_with_an_hevc_brand() -> None:
    assert sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic") is HEIC
    assert sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif") is None  # AVIF


@pytest.mark.parametrize("head", [b"<html><script>alert(1)</script>", b"MZ\x90\x00\x03", b"PK\x03\x04zip",
                                  b"GIF89a\x01\x00", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", b""])
def test_other_content_is_refused(head: bytes) -> None:
    assert sniff(head) is None


@pytest.mark.parametrize(("name", "kind", "safe"), [
    ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
    ("..\\..\\windows\\win.ini", PDF, "win.ini.pdf"),
    ("/var/lib/x.JPG", JPEG, "x.jpg"),
    (".htaccess", PNG, "htaccess.png"),
    ("..", PNG, "attachment.png"),
    ("", JPEG, "attachment.jpg"),
    (None, HEIC, "attachment.heic"),
    ("现场照片 1.jpeg", JPEG, "现场照片 1.jpeg"),
    ("photo.exe", JPEG, "photo.exe.jpg"),
    ('a"b;\r\nContent-Type: x.pdf', PDF, "a_b___Content-Type_ x.pdf"),
    ("scan", PDF, "scan.pdf"),
])
def test_file_names_are_made_safe(name, kind, safe: str) -> None:
    assert safe_filename(name, kind) == safe


def test_a_long_name_keeps_its_extension() -> None:
    name = safe_filename("长" * 500 + ".png", PNG)
    assert len(name) == 120 and name.endswith(".png")
