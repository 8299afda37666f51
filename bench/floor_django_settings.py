"""
The second floor: the project's settings with Django's own default middleware,
exactly as ``startproject`` writes it, serving only the floor view
(bench/floor_wsgi.py). Set against the first floor, it shows what the
project's own middleware (CSP, permissions policy, static files, two-factor,
lockouts) costs on every request.
"""

from bench.floor_settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
