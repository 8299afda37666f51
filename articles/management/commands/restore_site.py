"""
Restore a backup made by `backup_site`: the database is replaced page by page
through SQLite's backup API and the media folder is replaced by the backup's.
Stop the site (or take it out of the load balancer) first.

    manage.py restore_site /var/backups/ibdmovement/ibdmovement-20261125-040000
"""

import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Restore the SQLite database and media files from a backup folder."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A folder made by backup_site.")
        parser.add_argument("--yes", action="store_true", help="Don't ask for confirmation.")

    def handle(self, source, yes=False, **options):
        folder = Path(source)
        database, media = folder / "db.sqlite3", folder / "media.tar.gz"
        if not database.exists() or not media.exists():
            raise CommandError(f"{folder} is not a backup made by backup_site (db.sqlite3 and media.tar.gz).")
        if connection.vendor != "sqlite":
            raise CommandError("restore_site restores SQLite. For PostgreSQL use pg_restore (see docs/deploy.md).")
        if not yes and input("This replaces the database and all media. Type 'yes' to go on: ") != "yes":
            raise CommandError("Nothing restored.")
        with sqlite3.connect(database) as backup:
            connection.ensure_connection()
            backup.backup(connection.connection)
        backup.close()
        self.restore_media(media, Path(settings.MEDIA_ROOT))
        self.stdout.write(self.style.SUCCESS(f"Restored the database and media from {folder}"))

    def restore_media(self, archive_path, media_root):
        with tempfile.TemporaryDirectory() as unpacked, tarfile.open(archive_path) as archive:
            archive.extractall(unpacked, filter="data")
            if media_root.exists():
                shutil.rmtree(media_root)
            source = Path(unpacked) / "media"
            if source.exists():
                shutil.copytree(source, media_root)
            else:
                media_root.mkdir(parents=True)
