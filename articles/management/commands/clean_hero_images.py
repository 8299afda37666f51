"""
Strip the metadata (EXIF with GPS position and camera, XMP, IPTC, comments) from hero-image originals
stored before uploads were cleaned, and make their renditions again from the clean copy.

Run once after deploying the change, then never again: new uploads are cleaned as they are saved.
It is safe to run twice; originals that carry nothing are left as they are.

    manage.py clean_hero_images            # clean them
    manage.py clean_hero_images --dry-run  # only count them
"""

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand

from articles.caching import site_changed
from articles.images import carries_metadata, make_renditions, without_metadata
from articles.models import Article


class Command(BaseCommand):
    help = "Remove EXIF, GPS, XMP and other metadata from stored hero-image originals (run once)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the originals to clean; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        cleaned = missing = 0
        articles = Article.objects.exclude(hero_image="").only("pk", "hero_image", "hero_width", "hero_height")
        for article in articles.order_by("pk").iterator(chunk_size=200):
            storage, name = article.hero_image.storage, article.hero_image.name
            if not storage.exists(name):
                missing += 1
                continue
            with storage.open(name, "rb") as stored:
                data = stored.read()
            if not carries_metadata(data):
                continue
            cleaned += 1
            if dry_run:
                continue
            # Stored beside the old one, which goes only once no article points to it: nothing is lost
            # if the command stops half-way, and it can simply be run again.
            article.hero_image.name = storage.save(name, ContentFile(without_metadata(data)))
            # Renditions are made again under new names (they follow the original's content); the old ones
            # carry no metadata and stay for pages cached before now. The row is updated without save(),
            # so the article doesn't look edited to readers.
            Article.objects.filter(pk=article.pk).update(
                hero_image=article.hero_image.name,
                hero_renditions=make_renditions(article.hero_image),
                hero_width=article.hero_image.width,
                hero_height=article.hero_image.height,
            )
            if not Article.objects.filter(hero_image=name).exists():
                storage.delete(name)
        if cleaned and not dry_run:
            site_changed()  # hero images show on article pages and cards alike
        verb = "carry metadata" if dry_run else "cleaned"
        self.stdout.write(f"{cleaned} hero-image original(s) {verb}; {missing} missing from storage.")
