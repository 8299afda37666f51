"""
Hero images: checked with Pillow on upload, served to readers as resized WebP.

The original is kept for editors; readers get a few widths through srcset so a
phone never downloads a multi-megabyte photograph.

A photograph carries more than its pixels: EXIF (where it was taken, to the
metre, and with which camera), XMP, IPTC and comments. The original is stored
re-encoded without any of it, turned upright first, and its colours moved into
sRGB so the colour profile goes too (``without_metadata``). The renditions are
made from that copy. Originals stored before this were cleaned once by
``manage.py clean_hero_images``.
"""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageCms, ImageOps

RENDITION_WIDTHS = (480, 800, 1200, 1600)
MIN_WIDTH = 800
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# What Pillow reads from a file that is about the pixels, not about the photographer: kept when re-encoding.
PIXEL_INFO = {"transparency"}
# What it reads that is harmless to find in a stored original (how the file was encoded).
ENCODING_INFO = {
    "dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe", "adobe_transform",
    "progressive", "progression", "transparency", "gamma", "srgb", "chromaticity", "aspect",
    "loop", "duration", "background", "interlace", "lossless",
}  # fmt: skip
SAVE_OPTIONS = {"JPEG": {"quality": 92, "optimize": True}, "PNG": {}, "WEBP": {"quality": 92}}


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


def without_metadata(data):
    """The picture in ``data`` (bytes) re-encoded in its own format with nothing but its pixels.

    Turned upright first (the EXIF orientation goes with the rest of EXIF), and moved from its colour
    profile into sRGB, which browsers assume, so the profile can go too. Returns bytes.
    """
    with Image.open(io.BytesIO(data)) as original:
        image_format = original.format
        image = _in_srgb(ImageOps.exif_transpose(original), original.info.get("icc_profile"))
        image.info = {key: value for key, value in image.info.items() if key in PIXEL_INFO}
        buffer = io.BytesIO()
        image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def carries_metadata(data):
    """Whether a stored picture has anything beyond its pixels and how they're encoded (EXIF, XMP, comments...)."""
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif()) or any(key not in ENCODING_INFO for key in image.info)


def strip_uploaded_metadata(field_file):
    """Swap a new, not yet stored upload for its copy without metadata, so only that copy is ever stored."""
    field_file.open("rb")
    field_file.seek(0)
    cleaned = without_metadata(field_file.read())
    field_file.file = ContentFile(cleaned, name=field_file.name)
    field_file.__dict__.pop("_dimensions_cache", None)  # turned upright: the size may have turned too


def _in_srgb(image, icc_profile):
    if not icc_profile:
        return image
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, SRGB_PROFILE, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a profile Pillow can't read: the pixels as they are


SRGB_PROFILE = ImageCms.createProfile("sRGB")
