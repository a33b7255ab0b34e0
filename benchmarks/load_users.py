"""Locust user classes for benchmarks/load.py (run by it; not on its own).

The configuration (the site's slugs, the accounts, their TOTP keys, the
photo, the request rates) comes from the JSON file named by LOAD_CONFIG,
written by load.py after it loaded the database.

- Reader (FastHttpUser, anonymous, no cookie: the Redis page cache serves
  what it holds): home, articles over the whole archive (random posts, so
  most miss the page cache), listings (unit, category, tag, archive month),
  search, feeds.
- Contributor (HttpUser, logged in once): the new-post form, saved with a
  4000x3000 cover one time in four, then sent to the editors.
- Editor (HttpUser, password then the TOTP code, once): the approval page
  of a post waiting in the newsroom, then the approval.

Every class is paced with constant_throughput so the mix is a share of
requests (97/2/1 by default), whatever each request costs.
"""

import json
import os
import random
import re
import threading
import time
from pathlib import Path

from django_otp.oath import totp
from locust import FastHttpUser, HttpUser, constant_throughput, task

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
rng = random.Random(int(CONFIG.get("seed", 1)))
_lock = threading.Lock()
_accounts = {"contributor": 0, "editor": 0}
_queue = list(CONFIG["submitted_ids"])


def _next_account(kind: str) -> dict:
    with _lock:
        accounts = CONFIG["%ss" % kind]
        account = accounts[_accounts[kind] % len(accounts)]
        _accounts[kind] += 1
        return account


def _plain_http_cookies(client) -> None:
    """Let the Secure cookies (DEBUG off) travel over loopback's plain HTTP.

    nginx terminates TLS in production; gunicorn, reached directly here,
    never sees it, and requests would keep the session and CSRF cookies to
    itself.
    """
    for cookie in client.cookies:
        cookie.secure = False


def _go(client, method: str, url: str, **kwargs):
    """A request whose redirects are followed by hand, cookies kept between."""
    response = client.request(method, url, allow_redirects=False, **kwargs)
    _plain_http_cookies(client)
    for _hop in range(5):
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303) or not location:
            break
        response = client.get(location, name=kwargs.get("name"), allow_redirects=False)
        _plain_http_cookies(client)
    return response


def _login(client, account: dict):
    """The password step; returns the page it leads to."""
    page = _go(client, "GET", "/masuk/", name="login page")
    return _go(
        client,
        "POST",
        "/masuk/",
        data={
            "csrfmiddlewaretoken": _csrf(page.text),
            "username": account["username"],
            "password": account["password"],
        },
        name="login",
    )


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


class Reader(FastHttpUser):
    weight = CONFIG["reader_users"]
    wait_time = constant_throughput(CONFIG["reader_rate_per_user"])

    @task(45)
    def article(self):
        self.client.get(
            "/berita/%s/" % rng.choice(CONFIG["post_slugs"]), name="article"
        )

    @task(15)
    def home(self):
        self.client.get("/", name="home")

    @task(6)
    def unit(self):
        self.client.get("/upt/%s/" % rng.choice(CONFIG["unit_slugs"]), name="unit")

    @task(5)
    def category(self):
        path = "/kategori/%s/" % rng.choice(CONFIG["category_slugs"])
        self.client.get(path, name="category")

    @task(4)
    def tag(self):
        self.client.get("/tag/%s/" % rng.choice(CONFIG["tag_slugs"]), name="tag")

    @task(5)
    def archive(self):
        self.client.get(rng.choice(CONFIG["archive_paths"]), name="archive")

    @task(10)
    def search(self):
        self.client.get(
            "/cari/?q=%s" % rng.choice(CONFIG["search_words"]), name="search"
        )

    @task(10)
    def feed(self):
        self.client.get(rng.choice(CONFIG["feed_paths"]), name="feed")


class Contributor(HttpUser):
    fixed_count = CONFIG["contributor_users"]
    wait_time = constant_throughput(CONFIG["contributor_rate_per_user"])

    def on_start(self):
        response = _login(self.client, _next_account("contributor"))
        if "/masuk/" in response.url:
            raise RuntimeError("contributor login failed")
        self.submissions = 0

    @task
    def submit(self):
        self.submissions += 1
        form = _go(self.client, "GET", "/dasbor/berita/baru/", name="post form")
        data = dict(HIDDEN.findall(form.text))
        n = rng.randrange(1_000_000)
        data.update(
            title="Kegiatan pembinaan kemandirian beban %d" % n,
            lead="Warga binaan mengikuti pelatihan keterampilan kerja %d." % n,
            body="<p>%s</p>" % " ".join(["Pelatihan keterampilan kerja."] * 40),
            category=str(CONFIG["category_ids"][n % len(CONFIG["category_ids"])]),
            tags="pembinaan, kemandirian",
            programme=CONFIG["programme"],
        )
        data.update(CONFIG.get("form_extra", {}))
        files = None
        if self.submissions % 4 == 1:  # one in four with a 4000x3000 photo
            data["sampul-alt_text"] = "Warga binaan di bengkel kerja"
            data["sampul-caption"] = "Pelatihan kerja"
            with open(CONFIG["photo"], "rb") as photo:
                files = {"sampul-file": ("foto.jpg", photo.read(), "image/jpeg")}
        with self.client.post(
            "/dasbor/berita/baru/",
            data=data,
            files=files,
            name="post save" + (" + photo" if files else ""),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            match = re.search(
                r"/dasbor/berita/(\d+)/$", response.headers.get("Location", "")
            )
            if response.status_code != 302 or match is None:
                response.failure("not saved: %d" % response.status_code)
        _plain_http_cookies(self.client)
        if match is None:
            return
        detail = _go(self.client, "GET", match.group(0), name="post page")
        with self.client.post(
            "/dasbor/berita/%s/kirim/" % match.group(1),
            data={"csrfmiddlewaretoken": _csrf(detail.text)},
            name="post submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure("not submitted: %d" % response.status_code)
        _plain_http_cookies(self.client)


class Editor(HttpUser):
    fixed_count = CONFIG["editor_users"]
    wait_time = constant_throughput(CONFIG["editor_rate_per_user"])

    def on_start(self):
        account = _next_account("editor")
        response = _login(self.client, account)
        if "verifikasi" not in response.url:
            raise RuntimeError("editor was not asked for the second factor")
        key = bytes.fromhex(account["totp_key"])
        code = "%06d" % totp(key, t0=0, step=30)
        response = _go(
            self.client,
            "POST",
            response.url,
            data={"csrfmiddlewaretoken": _csrf(response.text), "otp_token": code},
            name="login code",
        )
        if "verifikasi" in response.url:
            raise RuntimeError("editor's TOTP code refused")

    @task
    def approve(self):
        with _lock:
            post_id = _queue.pop() if _queue else None
        if post_id is None:
            time.sleep(1)
            return
        url = "/admin/news/post/%d/keputusan/setujui/" % post_id
        page = _go(self.client, "GET", url, name="approve page")
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": _csrf(page.text)},
            name="approve",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure("not approved: %d" % response.status_code)
        _plain_http_cookies(self.client)
