#!/usr/bin/env python3
"""
The benchmark (issue 5): the site in production mode under gunicorn, over a
large dataset, on a throwaway database.

    .venv/bin/python bench/run.py                  # SQLite in a temporary folder (make bench)
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/run.py --smoke          # CI: tiny dataset, seconds of load, fails on any error

It migrates a new database (SQLite under a temporary folder; with
--database-url, a new PostgreSQL database on that server, dropped at the end),
loads the demo content, times member pages on it (not with --smoke), loads the large dataset
(generate_large_dataset), times the same pages again, then starts gunicorn
with DEBUG=0 and the repository's gunicorn.conf.py and measures requests per
second and p50/p99 latency with wrk (or a Python load generator) for the
two floors (bench/floor_wsgi.py's fixed page, same gunicorn settings: behind
the project's settings and middleware, and behind Django's default middleware)
and the pages, and finally has members post comments concurrently through the
real login and comment forms, counting errors and lost posts, while signed-out
readers read other articles: their page-cache hit rate is reported.

Requests arrive as if through the TLS proxy production runs behind
(X-Forwarded-Proto: https). The comment rate limits are raised through
COMMENT_RATE_LIMITS for the run only: many members post from one address.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.client import BROWSER_HEADERS, PROXY_HEADERS, BenchError, Visitor  # noqa: E402

HOST = "127.0.0.1"
HEAVY = "/articles/heavy-benchmark-article/"
TAG = "/tags/clinical-trials/"
TOPIC = "/topics/crohns-disease/"
SIZES = {
    "full": {"articles": 2000, "comments": 200_000, "members": 2000, "heavy_comments": 300},
    "small": {"articles": 200, "comments": 20_000, "members": 200, "heavy_comments": 300},
    "smoke": {"articles": 20, "comments": 500, "members": 20, "heavy_comments": 40},
}
# (key, label, who asks, path). The two floors serve bench/floor_wsgi.py's fixed 20 KB page: "floor" behind the
# project's settings and middleware, "django_floor" behind Django's default middleware (startproject's).
FLOORS = {"floor": "bench.floor_settings", "django_floor": "bench.floor_django_settings"}
PAGES = [
    ("floor", "floor: bare Django view, 20 KB", None, "/"),
    ("django_floor", "floor: Django's default middleware, 20 KB", None, "/"),
    ("home", "home page, anonymous (cached)", None, "/"),
    ("home_member", "home page, member", "reader", "/"),
    ("heavy", "heavy article, anonymous (cached)", None, HEAVY),
    ("heavy_member", "heavy article, member (no page cache)", "reader", HEAVY),
    ("tag", "tag page, anonymous (cached)", None, TAG),
    ("tag_member", "tag page, member", "reader", TAG),
]
# Issue 13's targets, as shares of the floor behind the project's middleware ("x floor").
TARGETS = {"heavy": 0.9, "heavy_member": 0.15}
# Posts a second by members on SQLite with the full dataset (a smaller run says less).
POSTS_PER_SECOND_TARGET = 30
# Signed-out readers of other articles while members post: the share of their pages found in the page cache.
READER_HIT_RATE_TARGET = 0.95
# Pages timed one request at a time on the demo content, then with the large dataset loaded.
COMPARED = [
    ("home page", "reader", "/"),
    ("demo article (STOMP2)", "reader", "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"),
    ("tag page", "reader", TAG),
    ("topic page", "reader", TOPIC),
    ("moderation queue", "moderator", "/moderation/"),
]
WRITER_EMAIL = "bench-writer-{}@example.org"
POST_PREFIX = "Benchmark post"


def main():
    options = parse_args()
    size = "smoke" if options.smoke else "small" if options.small else "full"
    workdir = Path(tempfile.mkdtemp(prefix="ibdm-bench-"))
    bench = Bench(options, size, workdir)
    try:
        results = bench.run()
    finally:
        bench.stop_servers()
        bench.clean_up()
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results)
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))
    failures = results["failures"]
    for failure in failures:
        print(f"FAILED: {failure}")
    sys.exit(1 if failures else 0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server: the run creates its own database there")
    parser.add_argument("--redis-url", help="use Redis for the cache (otherwise the database cache table)")
    parser.add_argument("--small", action="store_true", help="a tenth of the dataset: a quicker full run")
    parser.add_argument("--smoke", action="store_true", help="CI: tiny dataset, seconds of load, 4 x 10 posts")
    parser.add_argument("--seconds", type=float, help="measured seconds per page and round (default 5; smoke 2)")
    parser.add_argument("--rounds", type=int, help="rounds over every page (default 3; smoke 1)")
    parser.add_argument("--connections", type=int, default=10, help="concurrent connections per page")
    parser.add_argument("--workers", type=int, help="GUNICORN_WORKERS (default: gunicorn.conf.py's)")
    parser.add_argument("--writers", type=int, help="members posting at once (default 20; smoke 4)")
    parser.add_argument("--posts", type=int, help="comments they post in total (default 500; smoke 40)")
    parser.add_argument("--readers", type=int, default=4, help="signed-out readers of other articles meanwhile")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument(
        "--compare-only",
        action="store_true",
        help="only time pages one request at a time on the demo content and the large dataset (about 2 minutes)",
    )
    parser.add_argument(
        "--writes-only",
        action="store_true",
        help="only the write benchmark, on the large dataset: no demo content, no page timings (about a minute)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, SQLite database)")
    parser.add_argument("--json", help="also write the results to this file")
    options = parser.parse_args()
    smoke = options.smoke
    options.seconds = options.seconds or (2 if smoke else 5)
    options.rounds = options.rounds or (1 if smoke else 3)
    options.writers = options.writers or (4 if smoke else 20)
    options.posts = options.posts or (40 if smoke else 500)
    return options


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, options, size, workdir):
        self.options, self.size, self.workdir = options, size, workdir
        self.servers = {}
        self.drop_database = lambda: None
        self.password = secrets.token_urlsafe(16)
        self.failures = []
        self.env = self.environment()

    def environment(self):
        inherited = {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "STATIC_ROOT"}
        env = {name: value for name, value in os.environ.items() if name not in inherited and "GUNICORN" not in name}
        env |= {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "COMMENT_RATE_LIMITS": "member_limit=1000000,ip_limit=1000000",
            "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
            "STAFF_TWO_FACTOR": "0",  # the moderator's queue is what's timed, not their second sign-in step
            "PAGE_CACHE_HEADER": "1",  # X-Page-Cache: hit or miss, to count readers' hits while members post
        }
        if self.options.database_url:
            env["DATABASE_URL"] = self.create_postgres_database(self.options.database_url)
        else:
            env["SQLITE_PATH"] = str(self.workdir / "db.sqlite3")
        if self.options.redis_url:
            env["REDIS_URL"] = self.options.redis_url
        if self.options.workers:
            env["GUNICORN_WORKERS"] = str(self.options.workers)
        return env

    def create_postgres_database(self, url):
        import psycopg

        name = f"ibdm_bench_{secrets.token_hex(4)}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self.drop_database = drop
        return urlsplit(url)._replace(path=f"/{name}").geturl()

    def clean_up(self):
        """Drop the PostgreSQL database, and this run's keys from Redis."""
        self.drop_database()
        if self.options.redis_url:
            import redis

            client = redis.Redis.from_url(self.options.redis_url)
            for key in client.scan_iter(f"{self.env['CACHE_KEY_PREFIX']}:*"):
                client.delete(key)

    # Steps ------------------------------------------------------------------

    def run(self):
        database = "PostgreSQL" if self.options.database_url else "SQLite"
        print(f"Benchmark ({self.size} dataset) on {database}, in {self.workdir}", flush=True)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.setup_django()
        compare = self.size != "smoke" and not self.options.writes_only
        results = {"size": self.size, "database": database, "machine": machine(), "sizes": SIZES[self.size]}
        if compare:
            self.manage("seed_demo", quiet=True)
        self.create_visitor_accounts()
        if compare:
            self.fill_demo_queue()
            self.fill_demo_lists()
        self.start("site", "ibdmovement.wsgi")
        # Sessions live in the database: these cookies stay good across restarts of gunicorn.
        self.cookies = {who: self.log_in(f"bench-{who}@example.org").cookies for who in ("reader", "moderator")}
        demo_times = self.time_pages() if compare else {}
        self.stop_servers()

        started = time.perf_counter()
        self.manage("generate_large_dataset", *self.dataset_options())
        results["generate_seconds"] = round(time.perf_counter() - started, 1)
        self.create_writers()
        self.start("site", "ibdmovement.wsgi")
        for floor, settings_module in () if self.options.writes_only else FLOORS.items():
            self.start(floor, "bench.floor_wsgi", DJANGO_SETTINGS_MODULE=settings_module)
        if compare:
            large_times = self.time_pages()
            results["compared"] = [
                {"page": label, "demo_ms": demo_times[label], "large_ms": large_times[label]}
                for label, _, _ in COMPARED
            ]
        results["failures"] = self.failures
        if self.options.compare_only:
            return results
        if not self.options.writes_only:
            results["pages"] = self.measure_pages()
            results["load_average_before_after"] = self.load_average
            results["worker_restarts"] = self.worker_restarts
        load_before = os.getloadavg()[0]
        results["writes"] = self.write_benchmark()
        results["writes"]["load_average_before_after"] = (round(load_before, 2), round(os.getloadavg()[0], 2))
        results["server_log"] = self.check_logs()
        return results

    def manage(self, *args, quiet=False):
        output = subprocess.DEVNULL if quiet else None
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=output)

    def dataset_options(self):
        return [f"--{name.replace('_', '-')}={value}" for name, value in SIZES[self.size].items()]

    def setup_django(self):
        """This process reaches the same database, to make accounts and count rows."""
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "ibdmovement.settings"
        import django

        django.setup()

    # Accounts ---------------------------------------------------------------

    def create_visitor_accounts(self):
        from django.contrib.auth.models import Group

        self.make_member("bench-reader@example.org", "Bench reader")
        moderator = self.make_member("bench-moderator@example.org", "Bench moderator", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        self.close_database()

    def fill_demo_queue(self):
        """A full page of the queue on the demo content, made as the large dataset makes its own, so the queue is
        compared page for page and item for item: held comments for each of its hold reasons, approved ones with
        an open report, and replies that quote the comment they answer, in the shares generate_large_dataset
        gives them. The demo's own queue would otherwise hold one short comment."""
        from articles.models import Article
        from community.management import large_dataset as words
        from community.management.commands.generate_large_dataset import (
            HOLD_REASONS,
            REPORTED_SHARE,
            ROOT_SHARE,
            STATUS_WEIGHTS,
        )
        from community.models import Comment, Profile, Report, refresh_comment_count, render_body
        from community.views.moderation import COMMENTS_PER_PAGE

        Status = Comment.Status
        compared = [path.strip("/").split("/")[-1] for _, _, path in COMPARED if path.startswith("/articles/")]
        article = Article.objects.published().exclude(slug__in=compared).order_by("published_at").first()
        authors = [self.make_member(f"bench-held-{n}@example.org", f"Bench newcomer {n}") for n in range(5)]
        reporter = self.make_member("bench-reporter@example.org", "Bench reporter")
        # Of the queue's comments, the share reported rather than held, and the share replying to another.
        held, reported = STATUS_WEIGHTS[Status.PENDING], STATUS_WEIGHTS[Status.APPROVED] * REPORTED_SHARE
        every_reported = round((held + reported) / reported)  # one in six
        replies_in_five = round(5 * (1 - ROOT_SHARE))  # two in five

        def comment(n, **fields):
            body = words.COMMENT_BODIES[n % len(words.COMMENT_BODIES)]
            return Comment(
                article=article, author=authors[n % len(authors)], body=body, body_html=render_body(body), **fields
            )

        parents = Comment.objects.bulk_create(comment(n + 1, status=Status.APPROVED) for n in range(COMMENTS_PER_PAGE))
        waiting = []
        for n in range(COMMENTS_PER_PAGE):
            parent = parents[n] if n % 5 < replies_in_five else None
            if n % every_reported == every_reported - 1:
                waiting.append(comment(n, status=Status.APPROVED, parent=parent, thread=parent))
            else:
                reason = HOLD_REASONS[n % len(HOLD_REASONS)]
                waiting.append(comment(n, status=Status.PENDING, hold_reason=reason, parent=parent, thread=parent))
        waiting = Comment.objects.bulk_create(waiting)
        Report.objects.bulk_create(
            Report(comment=c, reporter=reporter, reason=Report.Reason.values[n % len(Report.Reason.values)])
            for n, c in enumerate(waiting)
            if c.status == Status.APPROVED
        )
        Comment.objects.filter(article=article).refresh_needs_review()
        Profile.refresh_comment_records([author.pk for author in authors])
        refresh_comment_count(article.pk)
        self.close_database()

    def fill_demo_lists(self):
        """A full page of articles on the home, tag and topic pages timed, as with the large dataset: the demo
        content has one to three on each, and pages of different lengths would be compared, not data sizes."""
        from datetime import timedelta

        from django.utils import timezone
        from taggit.models import Tag

        from articles.models import Article, Topic
        from articles.views import ARTICLES_PER_PAGE

        topic = Topic.objects.get(slug=TOPIC.strip("/").split("/")[-1])
        tag = Tag.objects.get(slug=TAG.strip("/").split("/")[-1])
        source = Article.objects.published().order_by("published_at").first()
        for n in range(ARTICLES_PER_PAGE):
            copy = Article.objects.get(pk=source.pk)
            copy.pk = None
            copy.slug = f"bench-list-article-{n}"
            copy.headline = f"{source.headline} ({n})"
            copy.topic = topic
            copy.published_at = timezone.now() - timedelta(days=400 + n)
            copy.save()
            copy.tags.add(tag)
            copy.refresh_derived()
        self.close_database()

    def create_writers(self):
        """Members who may post at once: confirmed, each with an approved comment elsewhere."""
        from articles.models import Article
        from community.models import Comment, refresh_comment_count

        open_articles = Article.objects.published().filter(comments_open=True).exclude(slug=HEAVY.split("/")[2])
        articles = list(open_articles.order_by("-published_at")[:6])
        self.targets, elsewhere = [a.slug for a in articles[:5]], articles[5]
        others = Article.objects.published().exclude(slug__in=[*self.targets, elsewhere.slug, HEAVY.split("/")[2]])
        self.read_paths = [article.get_absolute_url() for article in others.order_by("-published_at")[:10]]
        for n in range(self.options.writers):
            writer = self.make_member(WRITER_EMAIL.format(n), f"Bench writer {n}")
            Comment.objects.create(
                article=elsewhere, author=writer, body="My first comment, approved.", status=Comment.Status.APPROVED
            )
        refresh_comment_count(elsewhere.pk)
        self.close_database()

    def make_member(self, email, name, **fields):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from community.models import Profile

        if not hasattr(self, "hashed_password"):
            self.hashed_password = make_password(self.password)
        user = get_user_model().objects.create(
            username=email.split("@")[0], email=email, password=self.hashed_password, **fields
        )
        Profile.objects.create(user=user, display_name=name, email_confirmed_at=timezone.now())
        return user

    def close_database(self):
        from django.db import connections

        connections.close_all()

    def log_in(self, email):
        return Visitor(HOST, self.servers["site"]["port"]).log_in(email, self.password)

    # Servers ----------------------------------------------------------------

    def start(self, name, app, **env):
        port = free_port()
        log = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115 (closed in stop_servers)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        process = subprocess.Popen(
            # A control socket of its own: two instances here, and maybe a developer's elsewhere.
            [gunicorn, "-c", "gunicorn.conf.py", "--control-socket", str(self.workdir / f"{name}.ctl"), app],
            cwd=ROOT,
            env=self.env | env | {"GUNICORN_BIND": f"{HOST}:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.servers[name] = {"process": process, "port": port, "log": log}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"gunicorn ({name}) exited: see {log.name}")
            try:
                Visitor(HOST, port, timeout=5).request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise BenchError(f"gunicorn ({name}) did not answer within a minute")

    def stop_servers(self):
        for server in self.servers.values():
            server["process"].terminate()
        for server in self.servers.values():
            try:
                server["process"].wait(timeout=30)
            except subprocess.TimeoutExpired:
                server["process"].kill()
                server["process"].wait()
            server["log"].close()
        self.servers = {}

    # Reading ----------------------------------------------------------------

    def time_pages(self, rounds=30):
        """The median time of each compared page, fetched one request at a time."""
        times = {}
        for label, who, path in COMPARED:
            visitor = Visitor(HOST, self.servers["site"]["port"], cookies=dict(self.cookies[who]))
            for _ in range(3):
                visitor.get(path)
            samples = sorted(visitor.get(path).seconds for _ in range(rounds))
            times[label] = round(samples[len(samples) // 2] * 1000, 2)
        return times

    def measure_pages(self):
        """Each page in turn, the floors first, in several rounds: a page's ratio is taken against each floor
        measured minutes apart at most, so whatever else the machine is doing weighs on both alike."""
        wrk = None if self.options.python_load else load.find_wrk(install=not self.options.smoke)
        rounds, seconds = self.options.rounds, self.options.seconds
        print(
            f"Load: {'wrk' if wrk else 'the Python load generator'}, {self.options.connections} connections, "
            f"{rounds} round(s) of {seconds:g} s a page, each after a short warm-up run",
            flush=True,
        )
        pages = {key: self.page_request(key, who, path) for key, _, who, path in PAGES}
        samples = {key: [] for key in pages}
        boots_before = {name: self.worker_boots(name) for name in ("site", *FLOORS)}
        load_before = os.getloadavg()[0]
        for _ in range(rounds):
            for key, (port, path, headers) in pages.items():
                self.load(wrk, port, path, max(1, seconds / 5), headers)  # warm up
                samples[key].append(self.load(wrk, port, path, seconds, headers))
        results = {}
        for key, label, _, _ in PAGES:
            runs = samples[key]
            typical = sorted(runs, key=lambda run: run.rps)[len(runs) // 2]
            results[key] = asdict(typical) | {
                "label": label,
                "rps": round(typical.rps, 1),
                "rps_each_round": [round(run.rps) for run in runs],
                "errors": sum(run.errors for run in runs),
                "ratio": median_ratio(runs, samples["floor"]),
                "ratio_django_floor": median_ratio(runs, samples["django_floor"]),
            }
            if results[key]["errors"]:
                self.failures.append(f"{label}: {results[key]['errors']} errors under load")
            print(f"  {label}: {typical.rps:.0f} requests/s", flush=True)
        self.load_average = (round(load_before, 2), round(os.getloadavg()[0], 2))
        self.worker_restarts = {name: self.worker_boots(name) - boots_before[name] for name in boots_before}
        return results

    def page_request(self, key, who, path):
        """Where a page is served and what its visitor sends, checked with one request first."""
        port = self.servers[key if key in FLOORS else "site"]["port"]
        cookies = self.cookies[who] if who else {}
        response = Visitor(HOST, port, cookies=dict(cookies)).get(path)
        logged_in = "Log out" in response.text
        if key not in FLOORS and logged_in != bool(who):
            raise BenchError(f"{path} answered as if the visitor were {'' if logged_in else 'not '}logged in")
        headers = PROXY_HEADERS | BROWSER_HEADERS
        if who:
            headers["Cookie"] = Visitor(HOST, port, cookies=cookies).cookie_header()
        return port, path, headers

    def load(self, wrk, port, path, seconds, headers):
        options = {"seconds": seconds, "connections": self.options.connections, "headers": headers}
        if wrk:
            return load.run_wrk(wrk, HOST, port, path, **{**options, "seconds": round(seconds)})
        return load.run_python(HOST, port, path, **options)

    def worker_boots(self, name):
        """Workers started so far: gunicorn.conf.py's max_requests restarts them under load."""
        return (self.workdir / f"{name}.log").read_text().count("Booting worker")

    # Writing ----------------------------------------------------------------

    def write_benchmark(self):
        """Members log in and post concurrently through the real forms; every post must land, once.

        Meanwhile signed-out readers read other articles, each request without cookies: the share of their
        pages the page cache answered (X-Page-Cache, PAGE_CACHE_HEADER) is their hit rate. Each of those pages
        is read once first, so the rate measures what the posts do to them.
        """
        port, writers, posts = self.servers["site"]["port"], self.options.writers, self.options.posts
        started = time.perf_counter()
        with ThreadPoolExecutor(writers) as pool:
            visitors = list(pool.map(lambda n: self.log_in(WRITER_EMAIL.format(n)), range(writers)))
        login_seconds = time.perf_counter() - started
        shares = [posts // writers + (n < posts % writers) for n in range(writers)]
        posted, latencies, errors, lock = [], [], [], threading.Lock()
        start = threading.Barrier(writers)

        def write(n):
            visitor = Visitor(HOST, port, cookies=visitors[n].cookies)
            start.wait()
            for k in range(shares[n]):
                slug = self.targets[(n + k) % len(self.targets)]
                try:
                    comment_id, seconds = visitor.post_comment(slug, f"{POST_PREFIX} {n}-{k}: thank you for this.")
                    with lock:
                        posted.append(comment_id)
                        latencies.append(seconds)
                except (BenchError, OSError, http.client.HTTPException) as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")

        writing = threading.Event()
        reads = {"hit": 0, "miss": 0, "errors": 0}

        def read(n):
            while not writing.is_set():  # until the writers start
                time.sleep(0.001)
            k = n
            while writing.is_set():
                path = self.read_paths[k % len(self.read_paths)]
                k += 1
                try:
                    response = Visitor(HOST, port).request("GET", path)  # a new visitor: no cookies
                    found = response.headers.get("X-Page-Cache") if response.status == 200 else None
                except (OSError, http.client.HTTPException):
                    found = None
                with lock:
                    reads[found if found in ("hit", "miss") else "errors"] += 1

        reader_count = self.options.readers if self.read_paths else 0
        for path in self.read_paths if reader_count else ():
            # Each page has been read once before the members start, as a live site's pages have: the rate
            # counts what posting does to readers' pages, not the first visit that fills the cache.
            Visitor(HOST, port).request("GET", path)
        readers = [threading.Thread(target=read, args=(n,)) for n in range(reader_count)]
        for thread in readers:
            thread.start()
        started = time.perf_counter()
        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        writing.set()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        writing.clear()
        for thread in readers:
            thread.join()
        rows, approved, found = self.count_posts(posted)
        result = {
            "writers": writers,
            "sent": posts,
            "errors": len(errors),
            "error_examples": sorted(set(errors))[:5],
            "rows": rows,
            "lost": posts - rows,
            "approved": approved,
            "redirects_to_missing_rows": len(posted) - found,
            "seconds": round(seconds, 2),
            "posts_per_second": round(posts / seconds, 1),
            "post_p50_ms": round(load.percentile(latencies, 50) * 1000, 1),
            "post_p99_ms": round(load.percentile(latencies, 99) * 1000, 1),
            "login_seconds": round(login_seconds, 2),
            "readers": self.options.readers,
            "reader_pages": list(self.read_paths),
            "reads": reads["hit"] + reads["miss"] + reads["errors"],
            "reads_per_second": round((reads["hit"] + reads["miss"] + reads["errors"]) / seconds, 1),
            "reader_hits": reads["hit"],
            "reader_misses": reads["miss"],
            "reader_errors": reads["errors"],
            "reader_hit_rate": round(reads["hit"] / max(1, reads["hit"] + reads["miss"]), 3),
        }
        if errors or result["lost"] or result["redirects_to_missing_rows"] or approved != rows:
            self.failures.append(f"write benchmark: {len(errors)} errors, {result['lost']} lost, {approved} approved")
        if reads["errors"]:
            self.failures.append(f"write benchmark: {reads['errors']} readers' requests failed")
        print(
            f"  writes: {posts} posts by {writers} members in {seconds:.1f} s; readers' page-cache hit rate "
            f"{result['reader_hit_rate']:.1%} over {result['reads']} pages",
            flush=True,
        )
        return result

    def count_posts(self, posted):
        from community.models import Comment

        mine = Comment.objects.filter(body__startswith=POST_PREFIX)
        counts = (mine.count(), mine.approved().count(), Comment.objects.filter(pk__in=posted).count())
        self.close_database()
        return counts

    def check_logs(self):
        text = (self.workdir / "site.log").read_text()
        found = {
            "database_is_locked": text.count("database is locked"),
            "server_errors": len(re.findall(r'" 5\d\d ', text)),
            "tracebacks": text.count("Traceback"),
        }
        if any(found.values()):
            self.failures.append(f"the site's log shows problems: {found}")
        return found


def median_ratio(runs, floor_runs):
    """The median over rounds of a page's requests/s over a floor's in the same round."""
    ratios = sorted(run.rps / floor.rps for run, floor in zip(runs, floor_runs, strict=True))
    return round(ratios[len(ratios) // 2], 3)


def machine():
    cpu = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpu if line.startswith("model name")), "unknown CPU")
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    return f"{os.cpu_count()} CPUs ({model}), {int(memory) // 1024 // 1024} GB RAM, Python {sys.version.split()[0]}"


def report(results):
    print()
    print(f"{results['database']}, {results['size']} dataset, {results['machine']}")
    print(f"generate_large_dataset: {results['generate_seconds']} s")
    if "compared" in results:
        print("\nOne request at a time, member/moderator pages: demo content vs large dataset (median ms)")
        for row in results["compared"]:
            ratio = row["large_ms"] / row["demo_ms"]
            flag = "" if ratio <= 1.5 else "  <-- over 1.5x"
            print(f"  {row['page']:<28} {row['demo_ms']:8.1f} {row['large_ms']:8.1f}  x{ratio:.2f}{flag}")
    if "pages" in results:
        report_pages(results)
    if "writes" in results:
        report_writes(results["writes"], results["database"], results["size"])
        print(f"Server log: {results['server_log']}")


def report_pages(results):
    print(
        f"\n{'page':<42} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'x floor':>8} {'x Django':>8}"
        "  req/s each round"
    )
    for key, row in results["pages"].items():
        target = ""
        if key in TARGETS:
            target = f"  target >= {TARGETS[key]}: {'met' if row['ratio'] >= TARGETS[key] else 'NOT met'}"
        print(
            f"{row['label']:<42} {row['rps']:7.0f} {row['p50_ms']:7.1f} {row['p99_ms']:7.1f} {row['errors']:6d} "
            f"{row['ratio']:8.3f} {row['ratio_django_floor']:8.3f}  {row['rps_each_round']}{target}"
        )
    print(
        f"(x floor, x Django: the median over rounds of the page's req/s over that floor's in the same round, "
        f"the floor behind the project's middleware and the one behind Django's default middleware; "
        f"load average {results['load_average_before_after'][0]} before, {results['load_average_before_after'][1]} "
        f"after; workers restarted by max_requests: {results['worker_restarts']})"
    )


def report_writes(writes, database, size):
    """The posts a second, and readers' hit rate meanwhile; the posting target is SQLite's with the full dataset."""
    if database != "SQLite":
        verdict = "SQLite's, not measured here"
    elif size != "full":
        verdict = "the full dataset's, not measured here"
    else:
        verdict = "met" if writes["posts_per_second"] >= POSTS_PER_SECOND_TARGET else "NOT met"
    print(
        f"\nWrites: {writes['writers']} members, {writes['sent']} posts in {writes['seconds']} s "
        f"= {writes['posts_per_second']} posts/s (POST p50 {writes['post_p50_ms']} ms, "
        f"p99 {writes['post_p99_ms']} ms); "
        f"errors {writes['errors']}, lost {writes['lost']}, rows {writes['rows']}; "
        f"target >= {POSTS_PER_SECOND_TARGET} posts/s on SQLite with the full dataset: "
        f"{verdict}"
    )
    for example in writes["error_examples"]:
        print(f"  e.g. {example}")
    met = "met" if writes["reader_hit_rate"] >= READER_HIT_RATE_TARGET else "NOT met"
    print(
        f"Meanwhile {writes['readers']} signed-out readers of {len(writes['reader_pages'])} other articles: "
        f"{writes['reads']} pages ({writes['reads_per_second']}/s), {writes['reader_hits']} from the page cache, "
        f"{writes['reader_misses']} drawn afresh, {writes['reader_errors']} errors: hit rate "
        f"{writes['reader_hit_rate']:.1%} (target >= {READER_HIT_RATE_TARGET:.0%}: {met})"
    )
    before, after = writes["load_average_before_after"]
    print(f"(load average {before} before the writes, {after} after)")


if __name__ == "__main__":
    main()
