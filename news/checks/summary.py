"""How the stored findings (Post.checks) read for editors: the decision page's
flags panel (news.templatetags.checks_tags) and the queue's flags column.

Plain functions over the stored dict: they never query, so the queue's
column costs nothing per row.
"""

from django.utils.translation import gettext_lazy as _

from news.checks import CHECKS

WARNING = "warning"

CHECK_LABELS = {
    "content": _("Kelengkapan isi"),
    "group": _("Berita tentang kegiatan yang sama"),
    "faces": _("Wajah di foto"),
}
LEVEL_LABELS = {
    "warning": _("Perhatian"),
    "info": _("Info"),
}


def _shown(findings) -> list[dict]:
    # A check that failed stores one "not_run" finding with no message.
    return [f for f in findings or [] if f.get("code") != "not_run"]


def checks_sections(checks: dict | None) -> list[dict]:
    """One section per check, in the order editors see them (news.checks.CHECKS).

    state: "ok" (nothing found), "flagged", or "not_run" (the check failed or
    was added after this post was checked).
    """
    checks = checks or {}
    names = list(CHECKS) + [name for name in checks if name not in CHECKS]
    sections = []
    for name in names:
        findings = checks.get(name)
        if findings is None or any(f.get("code") == "not_run" for f in findings):
            state = "not_run"
        elif _shown(findings):
            state = "flagged"
        else:
            state = "ok"
        sections.append(
            {
                "name": name,
                "label": CHECK_LABELS.get(name, name),
                "state": state,
                "findings": [
                    {
                        **finding,
                        "level_label": LEVEL_LABELS.get(
                            finding.get("level"), finding.get("level", "")
                        ),
                    }
                    for finding in _shown(findings)
                ],
            }
        )
    return sections


def checks_warnings(checks: dict | None) -> list[str]:
    """The warnings' messages across all checks, in the editors' order."""
    return [
        finding.get("message", "")
        for section in checks_sections(checks)
        for finding in section["findings"]
        if finding.get("level") == WARNING
    ]
