"""What an uploaded file is, told by its first bytes, and the name it may be saved and sent under.

The client's Content-Type and file extension are whatever the client says; the desk opens these
files, so only formats recognised by their signature (magic bytes) are accepted: JPEG, PNG,
WebP, HEIC (what phones take photos in) and PDF.

A file may start like one of them and be another format as well (a polyglot: a PDF or a JPEG that
is also an HTML page, a PNG that is also a PHP script), waiting for a browser that sniffs it as a
page or a server that runs it. :func:`second_format` finds markup or script anywhere in the bytes,
and such a file is refused rather than kept as its declared type: none of the five formats
needs an HTML tag or a PHP opening in its bytes, and a photo's compressed data (close to random
bytes) holds one of these markers by chance about once in thirty thousand 10 MB files
(re-encoding images instead would need an imaging library and would not help PDFs).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    """An accepted format: its media type and the extensions a saved name may end with."""

    content_type: str
    extensions: tuple[str, ...]


JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("image/png", (".png",))
WEBP = FileKind("image/webp", (".webp",))
HEIC = FileKind("image/heic", (".heic", ".heif"))
PDF = FileKind("application/pdf", (".pdf",))
ACCEPTED = (JPEG, PNG, WEBP, HEIC, PDF)

# ISO base media file brands of HEIF images (ISO/IEC 23008-12); "mif1"/"msf1" are generic HEIF
# and count only when an HEVC brand is among the compatible ones (AVIF uses them too).
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_GENERIC_HEIF = {b"mif1", b"msf1"}

# What makes bytes a page a browser renders or a script a server runs: an HTML (or SVG) element a
# page needs or runs code from, a doctype, or PHP's opening tag.
# ``img`` and ``svg`` (three letters: common by chance in compressed bytes) only with the event
# handler that makes them run code (``<svg onload=..>``, ``<img src=x onerror=..>``).
_MARKUP = re.compile(
    rb"<(?:!doctype|\?php\s|(?:html|head|body|script|iframe|frame|frameset|object|embed|applet|meta|link|"
    rb"style|form|input|title|base)[\s/>]|(?:img|svg)[\s/][^<>]{0,200}?on[a-z]+\s*=)", re.IGNORECASE)

MAX_FILENAME_CHARS = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')


def sniff(head: bytes) -> FileKind | None:
    """The accepted format ``head`` (the file's first bytes, 32 are enough) starts like, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and _is_heic(head):
        return HEIC
    return None


def second_format(data: bytes) -> str | None:
    """``"PHP"`` or ``"HTML"`` when ``data`` also holds a script or a page; None for a plain file."""
    found = _MARKUP.search(data)
    if found is None:
        return None
    return "PHP" if found.group().lower().startswith(b"<?php") else "HTML"


def _is_heic(head: bytes) -> bool:
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    compatible = {head[i:i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    if major in _HEIC_BRANDS:
        return True
    return major in _GENERIC_HEIF and bool(compatible & _HEIC_BRANDS)


def safe_filename(name: str | None, kind: FileKind) -> str:
    """The client's file name made safe to show and to send back in Content-Disposition.

    Only the last path component is kept (``../../etc/passwd`` and ``C:\\x\\y.jpg`` lose their
    folders), control and reserved characters become ``_``, leading dots go (no hidden files),
    the length is capped, and the extension is made to match what the content really is. The
    name never reaches a filesystem path: the bytes are stored under the attachment's id.
    """
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    if f".{extension.lower()}" not in kind.extensions:
        stem, extension = base, kind.extensions[0][1:]
    stem = stem.strip(" .") or "attachment"
    stem = stem[:MAX_FILENAME_CHARS - len(extension) - 1]
    return f"{stem}.{extension.lower()}"

