"""
The project's own settings, serving only the floor view (bench/floor_wsgi.py).

Same middleware, same database and cache, same everything but the URLs: what
the floor measures is what Django costs this project on every request.
"""

from ibdmovement.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_wsgi"
