"""An outreach activity's photo: checked, re-encoded and kept on disk outside the static folder.

Used by outreach.service (storing, replacing, removing) and outreach.views (reading one back for
the guarded photo view). Owns the rules for a photo: JPEG or PNG by content (not by name; an MPO,
the JPEG with extra embedded frames many phones write, is a JPEG: its first frame is kept), at most
MAX_BYTES uploaded and MAX_PIXELS decoded (a decompression bomb is refused before it is decoded),
turned upright by its EXIF orientation and then re-encoded as a fresh JPEG of at most MAX_SIDE
pixels a side, so that nothing of the original file survives: no EXIF (GPS position, camera,
time), no XMP, no comments, no trailing bytes. Files are named by a random token; the folder is the
app's QUIZAPP_PHOTO_DIR (under instance/ by default), never served directly.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024  # a phone's photo is 2-6 MB
MAX_PIXELS = 40_000_000  # 40 megapixels: every phone camera, and no decompression bomb
MAX_SIDE = 1600  # enough to see a hall full of people; a tenth of the original's size
QUALITY = 82
ACCEPTED = ("JPEG", "PNG", "MPO")  # MPO: a phone's JPEG with more frames after the first
_NAME = re.compile(r"^[A-Za-z0-9_-]{16,40}\.jpg$")


class PhotoError(ValueError):
    """The upload is not a photo quizapp keeps: `reason` is too_big, not_image or too_large."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reencode(data: bytes) -> bytes:
    """The photo as a new JPEG without any of the original's metadata, upright and at most
    MAX_SIDE a side; PhotoError when it is not a JPEG (or MPO) or PNG within the limits."""
    if len(data) > MAX_BYTES:
        raise PhotoError("too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED:
                    raise PhotoError("not_image")
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoError("too_large")
                probe.seek(0)  # an MPO's first frame is the photo; the others are depth maps or previews
                probe.load()
                # Only the pixels are carried over: the new image has no info, EXIF, ICC or comment.
                image = ImageOps.exif_transpose(probe).convert("RGB")
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError("not_image" if isinstance(exc, UnidentifiedImageError) else "too_large") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or damaged files
        raise PhotoError("not_image") from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def is_name(name: str | None) -> bool:
    """A file name this module gave (never a path)."""
    return bool(name) and bool(_NAME.match(name or ""))


def store(folder: Path, data: bytes) -> str:
    """Keep a re-encoded photo; its new file name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.jpg"
    (folder / name).write_bytes(data)
    return name


def read(folder: Path, name: str) -> bytes | None:
    """A kept photo's bytes, or None when it is gone."""
    path = folder / name
    if not is_name(name) or not path.is_file():
        return None
    return path.read_bytes()


def remove(folder: Path, name: str | None) -> None:
    """Delete a kept photo (a missing file is already gone)."""
    if name and is_name(name):
        (folder / name).unlink(missing_ok=True)
