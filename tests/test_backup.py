"""The SQLite online backup and its restore, database and media together."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="backup_site is for SQLite")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_the_database_and_media_as_they_were(make_article, make_image_upload, tmp_path, media_root):
    article = make_article(headline="Kept in the backup", hero_image=make_image_upload(), hero_alt="A", hero_credit="B")
    call_command("backup_site", str(tmp_path / "backups"), stdout=io.StringIO())
    backup = next((tmp_path / "backups").iterdir())

    Article.objects.filter(pk=article.pk).update(headline="Changed after the backup")
    make_article(headline="Written after the backup")
    renditions = list(media_root.rglob("*.webp"))
    for rendition in renditions:
        rendition.unlink()

    call_command("restore_site", str(backup), "--yes", stdout=io.StringIO())

    assert list(Article.objects.values_list("headline", flat=True)) == ["Kept in the backup"]
    assert all(rendition.exists() for rendition in renditions)
    assert renditions


@pytest.mark.django_db
def test_it_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore_site", str(tmp_path), "--yes")
