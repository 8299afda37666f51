"""
Compute every article's derived data again: rendered HTML, search text, reading level, hype words
and, on PostgreSQL, the search vector.

Admin keeps them up to date as editors save. Run this after loading articles in bulk, after the
Markdown renderer or the readability checks change, or to mend an article written to the database
directly. It works in batches, so it is safe on the full dataset.

    manage.py refresh_derived
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article


class Command(BaseCommand):
    help = "Compute every article's rendered HTML, search text and plain-language checks again."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = Article.objects.refresh_derived()
        self.stdout.write(self.style.SUCCESS(f"Refreshed the derived data of {count} articles."))
