"""
The floor: a bare Django view returning a fixed 20 KB page, behind the
project's settings and middleware, served by the same gunicorn settings as the
site. Pages are measured against it, so the ratios say what a page costs
beyond Django itself on this machine.

    gunicorn -c gunicorn.conf.py bench.floor_wsgi

This module is both the WSGI application and its own urlconf; the site's real
URLs never see the view.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_settings")

PAGE_BYTES = 20 * 1024
_LINE = "<p>Plain words for the floor: what Django itself costs on this machine.</p>\n"
_HEAD = "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Floor</title></head><body>\n"
_TAIL = "</body></html>\n"
_BODY = _LINE * ((PAGE_BYTES - len(_HEAD) - len(_TAIL)) // len(_LINE))
PAGE = (_HEAD + _BODY).ljust(PAGE_BYTES - len(_TAIL)) + _TAIL


def floor(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", floor)]

application = get_wsgi_application()
