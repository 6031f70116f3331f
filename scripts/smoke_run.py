"""Start `make run` in a fresh SQLite database, wait for the login page on
127.0.0.1:8000, log in with each demo account and check where it lands (the
demo superuser with its documented two-factor key too). Stops the server
whatever happens. Used by .ci/run; stdlib only."""

import base64
import hashlib
import hmac
import http.cookiejar
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("SMOKE_PORT", "8000"))
BASE = f"http://{HOST}:{PORT}"
PASSWORD = "demo-portal-2026"  # noqa: S105  the documented demo password
# The demo superuser's authenticator key, documented in the README.
TOTP_SECRET = "MRSW23ZNOBXXE5DBNQWTEMBSGYWTEZTB"  # noqa: S105
VERIFY = "/accounts/two-factor/verify/"
LOGINS = {
    "admin": "/admin/",
    "khoitruong": "/admin/",
    "bql.dungquat": "/board/",
    "vu.tdkt": "/ministry/",
}


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238: what an authenticator app shows now (SHA-1, 6 digits, 30 s)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 15
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for_login_page(server, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make run exited early with {server.returncode}")
        try:
            with urllib.request.urlopen(BASE + "/accounts/login/", timeout=5) as r:  # noqa: S310
                return r.read().decode()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(1)
    sys.exit("the login page did not answer in time")


def login(username):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    page = opener.open(BASE + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310  our own loopback URL
        BASE + "/accounts/login/",
        data=data,
        headers={"Referer": BASE + "/accounts/login/"},
    )
    try:
        opener.open(request)
        sys.exit(f"{username}: login did not redirect (wrong password?)")
    except urllib.error.HTTPError as e:
        if e.code != 302:
            sys.exit(f"{username}: login answered {e.code}")
    try:
        opener.open(BASE + "/")
    except urllib.error.HTTPError as e:
        place = e.headers["Location"]
    if place.startswith(VERIFY):
        # The second factor, as the app would compute it from the demo key.
        page = opener.open(BASE + place).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"code": totp_code(TOTP_SECRET), "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  our own loopback URL
            BASE + VERIFY, data=data, headers={"Referer": BASE + place}
        )
        try:
            opener.open(request)
            sys.exit(f"{username}: the two-factor code was refused")
        except urllib.error.HTTPError as e:
            if e.code != 302:
                sys.exit(f"{username}: the two-factor page answered {e.code}")
        try:
            opener.open(BASE + "/")
        except urllib.error.HTTPError as e:
            place = e.headers["Location"]
        print(f"  {username:<14} passed the second factor")
    if place != LOGINS[username]:
        sys.exit(f"{username}: home sent to {place}, expected {LOGINS[username]}")
    with opener.open(BASE + place) as r:
        if r.status != 200:
            sys.exit(f"{username}: {place} answered {r.status}")
    print(f"  {username:<14} logged in, lands on {place}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp}/smoke.sqlite3"}
        server = subprocess.Popen(  # noqa: S603
            ["make", "run", f"PORT={PORT}"],  # noqa: S607
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            page = wait_for_login_page(server)
            if "Đăng nhập" not in page:
                sys.exit("the login page is not in Vietnamese")
            print(f"Login page served on {BASE}")
            for username in LOGINS:
                login(username)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            output, _ = server.communicate(timeout=30)
        if "Demo logins" not in output or TOTP_SECRET not in output:
            sys.exit("make run did not print the demo logins:\n" + output)
        if "EMAIL_URL" not in output or "Starting worker" not in output:
            sys.exit("make run did not say where mail goes or start the worker")
    print("make run: OK")


if __name__ == "__main__":
    main()
