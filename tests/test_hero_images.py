"""
Hero-image originals are stored without the photographer's metadata (GPS position, camera, XMP,
comments), turned upright; and originals stored before that are cleaned by a command run once.
"""

import io
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import ExifTags, Image, ImageCms

from articles.models import Article

CAMERA = "Examplecam"
SECRET_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home-address</x:xmpmeta>'
SECRET_COMMENT = b"taken in my kitchen"
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_exif(orientation=1):
    """EXIF as a phone writes it: camera, orientation and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = "X100"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def photo_bytes(image_format="JPEG", size=(1000, 600), orientation=1, colour=(200, 60, 40)):
    options = {"exif": photo_exif(orientation), "icc_profile": srgb_profile()}
    if image_format == "JPEG":
        options |= {"comment": SECRET_COMMENT, "xmp": SECRET_XMP, "quality": 95}
    if image_format == "WEBP":
        options |= {"xmp": SECRET_XMP, "lossless": True}
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, image_format, **options)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the test picture really carries it all
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert check.getexif()[ExifTags.Base.Make] == CAMERA
    return data


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo_upload(image_format="JPEG", **kwargs):
    extension = FORMATS[image_format]
    return SimpleUploadedFile(f"phone.{extension}", photo_bytes(image_format, **kwargs), f"image/{extension}")


def stored(name):
    with default_storage.open(name, "rb") as file:
        return file.read()


def assert_no_metadata(data):
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), dict(image.getexif())
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "comment", "icc_profile", "photoshop", "XML:com.adobe.xmp"} & set(image.info)
    assert CAMERA.encode() not in data
    assert b"home-address" not in data
    assert SECRET_COMMENT not in data


def hero_article(make_article, upload):
    return make_article(hero_image=upload, hero_alt="A kitchen table", hero_credit="Photo: a reader")


class TestUploads:
    @pytest.mark.parametrize("image_format", FORMATS)
    def test_the_stored_original_carries_no_metadata(self, make_article, image_format):
        article = hero_article(make_article, photo_upload(image_format))

        original = stored(article.hero_image.name)

        assert_no_metadata(original)
        with Image.open(io.BytesIO(original)) as image:
            assert (image.format, image.size) == (image_format, (1000, 600))

    @pytest.mark.parametrize("image_format", FORMATS)
    def test_no_rendition_carries_metadata(self, make_article, image_format):
        article = hero_article(make_article, photo_upload(image_format))

        assert len(article.hero_renditions) == 3
        for rendition in article.hero_renditions:
            assert_no_metadata(stored(rendition["name"]))

    def test_a_sideways_photo_is_stored_upright(self, make_article):
        # EXIF orientation 6: stored 1000 by 800, shown turned a quarter: 800 wide and 1000 high.
        article = hero_article(make_article, photo_upload(size=(1000, 800), orientation=6))
        article.refresh_from_db()

        with Image.open(io.BytesIO(stored(article.hero_image.name))) as image:
            assert image.size == (800, 1000)
        assert (article.hero_width, article.hero_height) == (800, 1000)
        assert [(r["width"], r["height"]) for r in article.hero_renditions] == [(480, 600), (800, 1000)]

    def test_colours_survive_the_cleaning(self, make_article):
        article = hero_article(make_article, photo_upload("PNG", colour=(200, 60, 40)))

        with Image.open(io.BytesIO(stored(article.hero_image.name))) as image:
            red, green, blue = image.convert("RGB").getpixel((10, 10))[:3]
        assert abs(red - 200) <= 2 and abs(green - 60) <= 2 and abs(blue - 40) <= 2


class TestCleaningStoredOriginals:
    @pytest.fixture
    def old_article(self, make_article, make_image_upload):
        """An article whose original was stored before uploads were cleaned: EXIF, GPS and all."""
        article = hero_article(make_article, make_image_upload(1000, 600))
        name = default_storage.save("articles/originals/2024/05/old-phone.jpg", ContentFile(photo_bytes()))
        Article.objects.filter(pk=article.pk).update(hero_image=name)
        article.refresh_from_db()
        return article

    def test_it_cleans_the_original_and_makes_the_renditions_again(self, old_article):
        old_name, old_renditions = old_article.hero_image.name, old_article.hero_renditions
        updated_at = old_article.updated_at
        out = StringIO()

        call_command("clean_hero_images", stdout=out)

        old_article.refresh_from_db()
        assert "1 hero-image original(s) cleaned" in out.getvalue()
        assert old_article.hero_image.name != old_name
        assert not default_storage.exists(old_name)
        assert_no_metadata(stored(old_article.hero_image.name))
        assert old_article.hero_renditions != old_renditions
        for rendition in old_article.hero_renditions:
            assert_no_metadata(stored(rendition["name"]))
        assert (old_article.hero_width, old_article.hero_height) == (1000, 600)
        assert old_article.updated_at == updated_at  # readers aren't told it was updated

    def test_running_it_again_changes_nothing(self, old_article):
        call_command("clean_hero_images", stdout=StringIO())
        old_article.refresh_from_db()
        name = old_article.hero_image.name
        out = StringIO()

        call_command("clean_hero_images", stdout=out)

        old_article.refresh_from_db()
        assert "0 hero-image original(s) cleaned" in out.getvalue()
        assert old_article.hero_image.name == name

    def test_a_dry_run_only_counts(self, old_article):
        name = old_article.hero_image.name
        out = StringIO()

        call_command("clean_hero_images", "--dry-run", stdout=out)

        assert "1 hero-image original(s) carry metadata" in out.getvalue()
        old_article.refresh_from_db()
        assert old_article.hero_image.name == name
        assert CAMERA.encode() in stored(name)

    def test_a_missing_file_is_counted_not_fatal(self, old_article):
        default_storage.delete(old_article.hero_image.name)
        out = StringIO()

        call_command("clean_hero_images", stdout=out)

        assert "1 missing from storage" in out.getvalue()
