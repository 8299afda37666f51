"""
Hero images: checked with Pillow on upload, served to readers as resized WebP.

The original is kept for editors; readers get a few widths through srcset so a
phone never downloads a multi-megabyte photograph.
"""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageOps

RENDITION_WIDTHS = (480, 800, 1200, 1600)
MIN_WIDTH = 800
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def check_hero_image(file):
    """Refuse anything that is not a sane JPEG, PNG or WebP, with a clear message.

    Reads only the header before deciding, so a decompression bomb is refused
    before it is decoded.
    """
    if file.size > settings.HERO_IMAGE_MAX_BYTES:
        limit = settings.HERO_IMAGE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"This file is larger than {limit} MB. Please upload a smaller image.", code="too_big")
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                if (
                    width * height <= settings.HERO_IMAGE_MAX_PIXELS
                    and max(width, height) <= settings.HERO_IMAGE_MAX_SIDE
                ):
                    image.load()
                    if image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
                        width, height = height, width  # a photo taken sideways, shown upright
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from None
    except Exception:
        raise ValidationError(
            "This file is not an image we can read, or it is damaged. Upload a JPEG, PNG or WebP picture.",
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)
    if width * height > settings.HERO_IMAGE_MAX_PIXELS or max(width, height) > settings.HERO_IMAGE_MAX_SIDE:
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels")
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError("Upload a JPEG, PNG or WebP picture.", code="wrong_format")
    if width < MIN_WIDTH:
        raise ValidationError(
            f"This image is {width} pixels wide. Hero images need at least {MIN_WIDTH} so they stay sharp.",
            code="too_small",
        )


def _too_many_pixels_message():
    side = settings.HERO_IMAGE_MAX_SIDE
    return f"This image's dimensions are too large. Use one no more than {side:,} pixels on its longest side."


def make_renditions(field_file):
    """Save WebP copies of the image at each width up to its own; return their descriptions."""
    was_closed = field_file.closed
    field_file.open("rb")
    field_file.seek(0)
    data = field_file.read()
    if was_closed:
        field_file.close()
    else:
        field_file.seek(0)
    digest = hashlib.sha256(data).hexdigest()[:16]
    storage = field_file.storage
    renditions = []
    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        widths = [w for w in RENDITION_WIDTHS if w < image.width] + [min(image.width, RENDITION_WIDTHS[-1])]
        for width in sorted(set(widths)):
            height = round(image.height * width / image.width)
            name = f"articles/renditions/{digest}-{width}.webp"
            if not storage.exists(name):
                buffer = io.BytesIO()
                image.resize((width, height), Image.Resampling.LANCZOS).save(buffer, "WEBP", quality=80, method=4)
                storage.save(name, ContentFile(buffer.getvalue()))
            renditions.append({"name": name, "width": width, "height": height})
    return renditions
