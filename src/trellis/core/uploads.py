"""Checks every uploaded document passes before it is stored: an extension we accept, a size
within the limit, not empty, and content that looks like what the extension says."""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# Everything reading a zip someone uploaded can raise: a damaged or truncated archive, a member
# that is encrypted or compressed in a way Python does not read, corrupt deflate or LZMA data,
# a name that is not the UTF-8 its flag claims, an offset pointing nowhere.
ZIP_READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    IndexError,
    zlib.error,
    lzma.LZMAError,
)


def check_upload(
    upload: UploadedFile,
    *,
    field: str,
    label: str,
    types: Mapping[str, bytes],
    max_bytes: int,
    kinds_message: str = "",
) -> None:
    """``types`` maps each accepted extension to the bytes its files start with (b"" for
    plain text, which has no signature). Errors name ``field``; ``kinds_message`` says in the
    reader's words which kinds are accepted."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in types:
        accepted = ", ".join(f".{t}" for t in types)
        message = kinds_message or f"{label} must be one of these kinds: {accepted}."
        raise ValidationError({field: message})
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationError(
            {field: f"{label} is {size / 1_048_576:.1f} MB; the limit is "
             f"{max_bytes / 1_048_576:.0f} MB."}
        )  # fmt: skip
    if size == 0:
        raise ValidationError({field: f"{label} is empty."})
    head = upload.read(8)
    upload.seek(0)
    magic = types[extension]
    if magic and not head.startswith(magic):
        raise ValidationError({field: f"This file does not look like a .{extension} file."})
