"""
Back up the site while it runs: the SQLite database through SQLite's online
backup (consistent even while gunicorn workers write) and the uploaded media
as a tarball. `restore_site` puts both back.

    manage.py backup_site /var/backups/ibdmovement

PostgreSQL has its own tools: see docs/deploy.md (pg_dump).
"""

import sqlite3
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Back up the SQLite database and media files into a new dated folder."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="Folder to create the backup in.")

    def handle(self, destination, **options):
        if connection.vendor != "sqlite":
            raise CommandError("backup_site backs up SQLite. For PostgreSQL use pg_dump (see docs/deploy.md).")
        folder = Path(destination) / f"ibdmovement-{timezone.now():%Y%m%d-%H%M%S}"
        folder.mkdir(parents=True, exist_ok=False)
        connection.ensure_connection()
        with sqlite3.connect(folder / "db.sqlite3") as target:
            connection.connection.backup(target)
        target.close()
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
            if media.exists():
                archive.add(media, arcname="media")
        self.stdout.write(self.style.SUCCESS(f"Backed up the database and media to {folder}"))
