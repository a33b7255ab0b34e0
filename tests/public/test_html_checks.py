"""Valid HTML5: the Nu HTML Checker reports no error on the public pages.

vnu-jar comes from the npm registry (package.json; `make test` runs npm ci)
and runs with Java. Every page is rendered through the test client as an
anonymous reader, saved, and all of them are checked in ONE java call: the
JVM's start-up costs more than checking a page.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.public.public_site import build_site, page_urls

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR = VNU_JAR / "vnu.jar"

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.public.urls")]


def vnu_errors(files: list[Path]) -> dict[str, list[str]]:
    """file name -> the checker's errors, each with its line and extract."""
    if not VNU_JAR.exists():
        pytest.fail(
            "The HTML checker is missing (%s). Install the test tools with "
            "`npm ci` (or `make test`, which runs it)." % VNU_JAR
        )
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is missing for the HTML checker: "
            "apt-get install -y openjdk-17-jre-headless"
        )
    done = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail("The HTML checker failed: %s %s" % (done.stdout, done.stderr))
    errors: dict[str, list[str]] = {}
    for message in messages:
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(
            "line %s: %s [%s]"
            % (
                message.get("lastLine", "?"),
                message.get("message"),
                (message.get("extract") or "").strip(),
            )
        )
    return errors


def test_public_pages_are_valid_html5(client, tmp_path):
    site = build_site()
    urls = page_urls(site)
    missing = sorted(name for name, url in urls.items() if url is None)
    files = []
    for name, url in urls.items():
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code in (200, 400, 403, 404, 429, 500), url
        assert response["Content-Type"].startswith("text/html"), url
        path = tmp_path / ("%s.html" % name)
        path.write_bytes(response.content)
        files.append(path)

    errors = vnu_errors(files)

    report = "\n".join(
        "%s:\n  %s" % (name, "\n  ".join(lines)) for name, lines in errors.items()
    )
    assert not errors, "The Nu HTML Checker found errors:\n" + report
    assert not missing, "Pages that do not exist yet: %s" % ", ".join(missing)
