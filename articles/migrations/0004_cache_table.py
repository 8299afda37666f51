"""
The database table behind the default cache (pages, comment threads, rate
limits), made with the schema so no deployment can forget it. It does
nothing when the cache is Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_discussion")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
