"""
A visitor as the site sees one in production: behind a TLS proxy (so every
request says X-Forwarded-Proto: https), with a browser's Accept-Encoding,
with cookies, filling in the site's real forms with their CSRF tokens.
Standard library only.
"""

import gzip
import http.client
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMMENT_ID = re.compile(r"#comment-(\d+)$")
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# What every current browser sends: pages the site keeps compressed are served as they are kept.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


class BenchError(Exception):
    """The site did not answer the way a working site would."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        return self.headers.get("Location", "")


@dataclass
class Visitor:
    host: str
    port: int
    timeout: float = 60
    cookies: dict = field(default_factory=dict)

    def __post_init__(self):
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    @property
    def origin(self):
        return f"https://{self.host}:{self.port}"

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method, path, form=None):
        headers = {"Host": f"{self.host}:{self.port}", **PROXY_HEADERS, **BROWSER_HEADERS}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a fresh one
            raise
        seconds = time.perf_counter() - started
        if response.will_close:
            self.connection.close()
        self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)  # as the browser does, once the page is in
        return Response(response.status, response.headers, content, seconds)

    def keep_cookies(self, set_cookie_headers):
        for header in set_cookie_headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path, expect=200):
        response = self.request("GET", path)
        if expect is not None and response.status != expect:
            raise BenchError(f"GET {path} answered {response.status}, expected {expect}")
        return response

    def csrf_token(self, path):
        """Load a page with a form and return the form's CSRF token."""
        match = CSRF_FIELD.search(self.get(path).text)
        if not match:
            raise BenchError(f"no CSRF token in the form on {path}")
        return match.group(1)

    def log_in(self, email, password):
        """Log in through the login form, as a member would."""
        path = "/account/login/"
        form = {"csrfmiddlewaretoken": self.csrf_token(path), "username": email, "password": password}
        response = self.request("POST", path, form)
        if response.status != 302:
            raise BenchError(f"logging in as {email} answered {response.status}, expected 302")
        return self

    def post_comment(self, slug, body):
        """Open the article page, then post a comment through its form. Returns the new comment's id and timings."""
        page = f"/articles/{slug}/"
        token = self.csrf_token(page)
        response = self.request(
            "POST", f"{page}comments/", {"csrfmiddlewaretoken": token, "body": body, "parent": "", "website": ""}
        )
        match = COMMENT_ID.search(response.location)
        if response.status != 302 or not match:
            raise BenchError(f"posting on {slug} answered {response.status} {response.location!r}")
        return int(match.group(1)), response.seconds
