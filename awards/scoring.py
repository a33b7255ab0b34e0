"""Each category's formula, written once: the ranking and the words shown with it.

A formula turns a competitor's raw numbers (awards.services.statistics) into
components between 0 and 1, each with a weight; the score is their weighted
sum, 0 to 100. Components are rates (per working day, per month, per
follower, per report, per incident) or shares of the best competitor, never
raw totals, so a large unit does not win by size and small or specialised
units (Bapas, Rupbasan) compete on the same footing.

Tie rule (the same for every category): higher score rounded to two
decimals, then the higher first component, then the higher first raw
number, then the name in alphabetical order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from awards.models import Metric

TIE_RULE = _(
    "Nilai sama diurutkan menurut: skor (dua desimal), lalu komponen pertama, "
    "lalu angka mentah pertama, lalu nama menurut abjad."
)


def _ratio(numerator: float, denominator: float) -> float:
    return min(numerator / denominator, 1.0) if denominator > 0 else 0.0


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: float
    # raw numbers and the context (working days, best values) -> 0..1
    compute: Callable[[dict, dict], float]


@dataclass(frozen=True)
class Formula:
    metric: str
    components: tuple[Component, ...]
    # The raw numbers shown beside the score, first one used by the tie rule.
    raw_keys: tuple[str, ...]
    words: str
    # Raw numbers whose best value among competitors the components use.
    best_of: tuple[str, ...] = field(default=())

    def eligible(self, raw: dict) -> bool:
        return raw.get(self.raw_keys[0], 0) > 0


def _engagement(raw: dict) -> float:
    followers = raw.get("social_followers", 0)
    return raw.get("social_interactions", 0) / followers if followers else 0.0


def _derived(raw: dict) -> dict:
    """Values used by 'best of' comparisons, computed from raw numbers."""
    return {
        "programme_posts": raw.get("programme_posts", 0),
        "engagement": _engagement(raw),
        "social_growth": max(raw.get("social_growth", 0.0), 0.0),
    }


TARGET_POSTS_PER_DAY = 2  # "42 stories in 21 working days" earns full marks.
TIMELY_DAYS = 7  # submissions a week or more after the event earn nothing.

FORMULAS: dict[str, Formula] = {
    Metric.NEWS: Formula(
        metric=Metric.NEWS,
        components=(
            Component(
                "odon",
                _("One Day One News: hari kerja dengan berita terbit ÷ hari kerja"),
                40,
                lambda r, c: _ratio(r.get("active_working_days", 0), r["working_days"]),
            ),
            Component(
                "volume",
                _("Berita terbit per hari kerja (2 per hari = penuh)"),
                20,
                lambda r, c: _ratio(
                    r.get("posts_published", 0),
                    TARGET_POSTS_PER_DAY * r["working_days"],
                ),
            ),
            Component(
                "clean",
                _("Kiriman disetujui tanpa perbaikan ÷ kiriman yang ditinjau"),
                15,
                lambda r, c: _ratio(
                    r.get("posts_clean", 0), r.get("posts_reviewed", 0)
                ),
            ),
            Component(
                "timely",
                _("Ketepatan waktu: 1 − median hari dari kegiatan ke kiriman ÷ 7"),
                15,
                lambda r, c: (
                    max(0.0, 1 - r["lead_median_days"] / TIMELY_DAYS)
                    if "lead_median_days" in r
                    else 0.0
                ),
            ),
            Component(
                "alt",
                _("Berita berfoto yang semua fotonya punya teks alternatif nyata"),
                10,
                lambda r, c: _ratio(
                    r.get("posts_good_alt", 0), r.get("posts_with_photos", 0)
                ),
            ),
        ),
        raw_keys=(
            "posts_published",
            "active_working_days",
            "working_days",
            "posts_reviewed",
            "posts_clean",
            "lead_median_days",
            "posts_with_photos",
            "posts_good_alt",
        ),
        words=_(
            "Skor = 40 × (hari kerja dengan berita terbit ÷ hari kerja) + 20 × "
            "(berita terbit ÷ 2 × hari kerja, paling banyak 1) + 15 × (kiriman "
            "disetujui tanpa perbaikan ÷ kiriman ditinjau) + 15 × (1 − median hari "
            "dari tanggal kegiatan ke pengiriman ÷ 7, paling sedikit 0) + 10 × "
            "(berita berfoto dengan teks alternatif nyata ÷ berita berfoto). Hari "
            "kerja: Senin–Jumat di luar hari libur nasional Indonesia. Semua "
            "komponen berupa rasio, sehingga ukuran UPT tidak menentukan."
        ),
    ),
    Metric.PROGRAMME: Formula(
        metric=Metric.PROGRAMME,
        components=(
            Component(
                "share",
                _('Berita "Apa Kabar Pemasyarakatan" ÷ jumlah terbanyak'),
                80,
                lambda r, c: _ratio(
                    r.get("programme_posts", 0), c["best"]["programme_posts"]
                ),
            ),
            Component(
                "regular",
                _("Bulan dengan berita program ÷ bulan berjalan"),
                20,
                lambda r, c: _ratio(r.get("programme_months", 0), c["months"]),
            ),
        ),
        raw_keys=("programme_posts", "programme_months"),
        best_of=("programme_posts",),
        words=_(
            'Skor = 80 × (berita program "Apa Kabar Pemasyarakatan" yang terbit ÷ '
            "jumlah terbanyak di antara peserta) + 20 × (bulan yang memiliki berita "
            "program ÷ bulan berjalan dalam periode)."
        ),
    ),
    Metric.SOCIAL: Formula(
        metric=Metric.SOCIAL,
        components=(
            Component(
                "consistency",
                _("Konsistensi: bulan-akun dengan unggahan cukup ÷ bulan-akun"),
                40,
                lambda r, c: _ratio(
                    r.get("social_consistent_months", 0),
                    r.get("social_expected_months", 0),
                ),
            ),
            Component(
                "engagement",
                _("Tingkat interaksi (interaksi ÷ pengikut) ÷ yang terbaik"),
                35,
                lambda r, c: _ratio(_engagement(r), c["best"]["engagement"]),
            ),
            Component(
                "growth",
                _("Pertumbuhan pengikut (persen) ÷ yang terbaik"),
                25,
                lambda r, c: _ratio(
                    max(r.get("social_growth", 0.0), 0.0), c["best"]["social_growth"]
                ),
            ),
        ),
        raw_keys=(
            "social_reported_months",
            "social_consistent_months",
            "social_expected_months",
            "social_followers",
            "social_interactions",
            "social_growth",
        ),
        best_of=("engagement", "social_growth"),
        words=_(
            "Hanya laporan bulanan yang sudah diverifikasi redaksi. Skor = 40 × "
            "(bulan-akun dengan sedikitnya %(min)d unggahan ÷ bulan-akun yang "
            "seharusnya dilaporkan) + 35 × (interaksi ÷ pengikut, dibanding yang "
            "terbaik) + 25 × (pertumbuhan pengikut dalam persen, dibanding yang "
            "terbaik). Jumlah pengikut saja tidak pernah menentukan."
        ),
    ),
    Metric.CRISIS: Formula(
        metric=Metric.CRISIS,
        components=(
            Component(
                "within_target",
                _("Insiden diklarifikasi dalam target ÷ semua insiden"),
                70,
                lambda r, c: _ratio(
                    r.get("crisis_within_target", 0), r.get("crisis_incidents", 0)
                ),
            ),
            Component(
                "speed",
                _("Kecepatan: rata-rata (1 − jam respons ÷ 2 × target)"),
                30,
                lambda r, c: _ratio(
                    r.get("crisis_speed_credit", 0), r.get("crisis_incidents", 0)
                ),
            ),
        ),
        raw_keys=(
            "crisis_incidents",
            "crisis_answered",
            "crisis_within_target",
            "crisis_median_hours",
        ),
        words=_(
            "Skor = 70 × (insiden yang klarifikasinya terbit dalam %(hours)d jam ÷ "
            "semua insiden) + 30 × rata-rata kecepatan per insiden (1 − jam "
            "respons ÷ %(twice)d, paling sedikit 0). Insiden tanpa klarifikasi "
            "dihitung nol. Waktu respons: dari kejadian sampai berita klarifikasi "
            "terbit."
        ),
    ),
}

RAW_LABELS = {
    "posts_published": _("berita terbit"),
    "active_working_days": _("hari kerja dengan berita"),
    "working_days": _("hari kerja"),
    "posts_reviewed": _("kiriman ditinjau"),
    "posts_clean": _("disetujui tanpa perbaikan"),
    "lead_median_days": _("median hari kegiatan→kiriman"),
    "posts_with_photos": _("berita berfoto"),
    "posts_good_alt": _("dengan teks alternatif nyata"),
    "programme_posts": _("berita program"),
    "programme_months": _("bulan dengan berita program"),
    "social_reported_months": _("laporan terverifikasi"),
    "social_consistent_months": _("bulan-akun konsisten"),
    "social_expected_months": _("bulan-akun seharusnya"),
    "social_followers": _("jumlah pengikut (dalam laporan)"),
    "social_interactions": _("interaksi"),
    "social_growth": _("pertumbuhan pengikut"),
    "crisis_incidents": _("insiden"),
    "crisis_answered": _("diklarifikasi"),
    "crisis_within_target": _("dalam target"),
    "crisis_median_hours": _("median jam respons"),
}


def formula_words(metric: str) -> str:
    hours = settings.CRISIS_RESPONSE_TARGET_HOURS
    return str(FORMULAS[metric].words) % {
        "min": settings.AWARDS_SOCIAL_MIN_POSTS_PER_MONTH,
        "hours": hours,
        "twice": 2 * hours,
    }


@dataclass
class Standing:
    key: int  # unit or region id
    name: str
    raw: dict
    score: float = 0.0
    components: list = field(default_factory=list)  # (key, label, weight, value)
    rank: int | None = None  # None: not eligible (nothing to measure)

    @property
    def points(self) -> list:
        return [
            (label, weight, value, weight * value)
            for _k, label, weight, value in self.components
        ]


def rank(*, metric: str, competitors: list[Standing], context: dict) -> list[Standing]:
    """Score every competitor and order them by the tie rule; ineligible last."""
    formula = FORMULAS[metric]
    context = {**context, "best": {}}
    for key in ("programme_posts", "engagement", "social_growth"):
        context["best"][key] = max(
            (_derived(s.raw)[key] for s in competitors), default=0.0
        )
    for standing in competitors:
        standing.components = [
            (c.key, c.label, c.weight, c.compute(standing.raw, context))
            for c in formula.components
        ]
        standing.score = round(sum(w * v for _k, _l, w, v in standing.components), 2)
    eligible = [s for s in competitors if formula.eligible(s.raw)]
    others = [s for s in competitors if not formula.eligible(s.raw)]
    first_raw = formula.raw_keys[0]
    eligible.sort(
        key=lambda s: (
            -s.score,
            -s.components[0][3],
            -s.raw.get(first_raw, 0),
            s.name.casefold(),
        )
    )
    for position, standing in enumerate(eligible, start=1):
        standing.rank = position
    others.sort(key=lambda s: s.name.casefold())
    return eligible + others
