"""Search latency on 200,000 posts: the real selector against the obvious plan.

Over 400 lines on purpose: a standalone script, run by hand, whose setup,
references and report are read together from top to bottom.

Run: .venv/bin/python benchmarks/search.py [--posts N] [--rounds R] [--keep]

1. Setup. Its own database (``portal_bench_search`` on 127.0.0.1, dropped
   and recreated, then ``manage.py migrate``): the trigger and the indexes
   of news migration 0010 are the real ones. Local-memory cache, no Redis.
2. Data. N published posts (200,000) of generated Indonesian news text:
   function words, common newsroom words, ~40 topics of domain words (a
   post is mostly about one topic, so a topic word is in a few percent of
   the posts), ~200 rare words (crafts, arts, sports) with a Zipf-like
   spread, ~190 place names and personal names. Posts are spread over five
   years, 120 units and the seeded categories. They are loaded with COPY
   in one transaction; the trigger fills every search_vector as in
   production. The GIN index on the vector is dropped before the load and
   rebuilt after it (the usual bulk-load practice; the rows are identical
   either way), then VACUUM ANALYZE.
3. The search, as the page runs it. A fixed mix of 50 queries (15 rare, 20
   mid, 15 common; single words, pairs and a phrase), each through
   ``news.search.post_search`` for page 1: ranked ids, then the 20 posts
   with their ts_headline snippets and cover prefetches. Every query is run
   once to warm the cache, then R rounds (3) are timed; p50 and p95 over
   all timed calls, and per class.
4. The obvious plan, in the same run: ``ts_rank`` over every match of the
   stored column, ORDER BY rank LIMIT 20 (no bound on the candidates), on a
   subset of 12 queries of every class, with a statement timeout of 10 s
   (a query cut off counts as 10 s). That figure is the ranking statement
   alone, so our ranking statement alone (news.search._ranked_ids) is
   timed on the same queries beside it.

Loopback only. The database is dropped at the end (unless --keep), also
on failure or Ctrl-C. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_NAME = "portal_bench_search"
PG_URL = "postgres://postgres@127.0.0.1:5432/"
OBVIOUS_TIMEOUT_MS = 10_000
TARGETS = {"search_p50_ms": 50, "search_p95_ms": 250}

FUNCTION_WORDS = (  # noqa: SIM905 - a word list reads best as text
    "yang dan di ke dari dengan untuk dalam pada ini itu oleh juga akan sebagai "
    "telah sudah serta para bagi kepada tersebut agar dapat secara lebih masih "
    "saat hingga antara yaitu setiap seluruh setelah sebelum bersama"
).split()

COMMON_WORDS = (  # noqa: SIM905 - a word list reads best as text
    "warga binaan petugas kegiatan pemasyarakatan lapas kepala kanwil pembinaan "
    "layanan program rutan kelas hari tahun acara pelaksanaan masyarakat "
    "direktorat jenderal kementerian pegawai wilayah unit pelaksana teknis "
    "upaya peningkatan kualitas pelayanan sinergi dukungan koordinasi"
).split()

TOPICS = {
    "kemandirian": "pelatihan keterampilan kemandirian bengkel kerja produksi "
    "sertifikat instruktur peserta hasil karya pemasaran",
    "menjahit": "menjahit pakaian konveksi seragam mesin jahit kain "
    "penjahit pesanan busana",
    "pertanian": "pertanian lahan sayur panen bibit pupuk tanam kebun "
    "petani cabai tomat",
    "peternakan": "peternakan ayam sapi kambing ternak pakan kandang telur daging",
    "perikanan": "perikanan kolam ikan nila lele bibit benih budidaya panen tambak",
    "kepribadian": "kepribadian kerohanian ibadah pengajian ceramah "
    "keagamaan ustadz pendeta doa",
    "narkoba": "narkoba narkotika rehabilitasi penyalahgunaan bnn "
    "pemberantasan peredaran sosial medis konseling",
    "razia": "razia penggeledahan kamar hunian barang terlarang "
    "handphone senjata tajam pengamanan",
    "remisi": "remisi pengurangan masa pidana khusus umum hari raya "
    "usulan penerima bebas",
    "integrasi": "integrasi pembebasan bersyarat cuti menjelang bebas "
    "asimilasi hak narapidana",
    "bapas": "bapas klien pemasyarakatan pembimbing litmas penelitian "
    "kemasyarakatan pendampingan diversi",
    "anak": "anak lpka pendidikan sekolah paket kesetaraan ujian belajar "
    "guru pelajaran",
    "kesehatan": "kesehatan pemeriksaan dokter klinik pengobatan gratis "
    "vaksinasi imunisasi puskesmas",
    "olahraga": "olahraga senam voli futsal pertandingan turnamen lomba juara tim",
    "kemerdekaan": "kemerdekaan upacara bendera perayaan lomba agustus "
    "proklamasi merah putih",
    "hbp": "hari bakti pemasyarakatan peringatan ziarah makam tabur bunga apel",
    "kunjungan": "kunjungan keluarga layanan daring tatap muka jadwal "
    "pengunjung antrean ruang",
    "wbk": "pembangunan zona integritas wilayah bebas korupsi birokrasi "
    "bersih melayani penilaian",
    "teknologi": "teknologi informasi aplikasi digital sistem database "
    "pemasyarakatan sdp jaringan",
    "kerja_sama": "kerja sama nota kesepahaman penandatanganan pemerintah "
    "daerah perusahaan mitra",
    "rupbasan": "rupbasan benda sitaan barang rampasan negara penyimpanan "
    "lelang pemeliharaan",
    "bencana": "bencana gempa banjir bantuan korban posko relawan kemanusiaan donasi",
    "donor": "donor darah palang merah kantong sukarela stok",
    "zakat": "zakat infak sedekah santunan yatim berbagi ramadan takjil",
    "natal": "natal ibadah jemaat gereja kebaktian paskah",
    "idul": "idul fitri adha kurban salat takbir lebaran halal bihalal",
    "pramuka": "pramuka kepanduan saka latihan kemah tunas",
    "seni": "seni budaya tari musik band paduan suara pentas festival",
    "literasi": "literasi perpustakaan buku membaca taman bacaan pojok",
    "pengawasan": "pengawasan inspeksi mendadak sidak pemeriksaan inspektorat evaluasi",
    "overkapasitas": "overkapasitas kepadatan hunian pemindahan narapidana "
    "redistribusi blok",
    "penyuluhan": "penyuluhan hukum bantuan advokat konsultasi hak tahanan sidang",
    "deteksi": "deteksi dini gangguan keamanan ketertiban kamtib siaga patroli",
    "pegawai": "pegawai apel pagi disiplin kinerja pelantikan mutasi jabatan sumpah",
    "anggaran": "anggaran realisasi belanja pengadaan barang jasa transparansi laporan",
    "wisuda": "wisuda santri pesantren tahfidz hafalan alquran khatam",
    "ekonomi": "ekonomi koperasi usaha produk penjualan pameran bazar omzet",
    "lingkungan": "lingkungan penghijauan pohon sampah daur ulang kebersihan bank",
    "ham": "hak asasi manusia perlakuan layak standar internasional "
    "nelson mandela rules",
    "pers": "media pers wartawan jurnalis publikasi humas konferensi",
}

RARE_WORDS = (  # noqa: SIM905 - a word list reads best as text
    "barista kopi sangrai hidroponik aquaponik tenun songket batik tulis "
    "gamelan angklung kaligrafi sablon bordir rajutan anyaman rotan bambu "
    "gerabah keramik ukiran mebel furnitur sepatu sandal tas kulit roti kue "
    "kerupuk keripik sambal jamu madu lebah jamur tiram anggrek bonsai aglonema "
    "kaktus melon semangka stroberi jagung kedelai singkong ubi porang serai "
    "kelapa sawit karet cengkeh vanili kakao gula aren tempe tahu bakso mie "
    "sabun lilin parfum dupa kompos maggot biogas panel surya solar sel pompa "
    "las bubut otomotif servis elektronik sablon cetak desain grafis fotografi "
    "videografi podcast konten youtube siaran radio komunitas teater wayang "
    "ketoprak reog barongsai marawis hadrah qasidah rebana kolintang sasando "
    "tifa sampek catur bulutangkis tenis pingpong sepak takraw panahan karate "
    "silat taekwondo tinju binaraga yoga zumba maraton"
).split()

PLACES = (  # noqa: SIM905 - a word list reads best as text
    "Nusakambangan Cipinang Salemba Tangerang Bekasi Depok Bogor Sukabumi "
    "Cianjur Bandung Garut Tasikmalaya Ciamis Cirebon Indramayu Karawang "
    "Purwakarta Subang Sumedang Majalengka Kuningan Banjar Semarang Kendal "
    "Demak Kudus Pati Rembang Blora Grobogan Salatiga Magelang Temanggung "
    "Wonosobo Purworejo Kebumen Cilacap Banyumas Purwokerto Purbalingga "
    "Pekalongan Batang Pemalang Tegal Brebes Surakarta Klaten Boyolali Sragen "
    "Karanganyar Wonogiri Sukoharjo Yogyakarta Wirogunan Sleman Bantul "
    "Gunungkidul Surabaya Porong Sidoarjo Gresik Lamongan Tuban Bojonegoro "
    "Ngawi Madiun Ponorogo Pacitan Trenggalek Tulungagung Blitar Kediri Nganjuk "
    "Jombang Mojokerto Pasuruan Probolinggo Lumajang Jember Bondowoso Situbondo "
    "Banyuwangi Malang Lowokwaru Batu Bangkalan Sampang Pamekasan Sumenep Medan "
    "Tanjung Gusta Binjai Pematangsiantar Sibolga Padangsidimpuan Kabanjahe "
    "Padang Bukittinggi Payakumbuh Solok Pariaman Pekanbaru Dumai Bengkalis "
    "Batam Tanjungpinang Jambi Palembang Lubuklinggau Prabumulih Bengkulu "
    "Lampung Bandar Metro Kotabumi Pangkalpinang Serang Cilegon Pandeglang "
    "Rangkasbitung Denpasar Kerobokan Singaraja Karangasem Mataram Sumbawa Bima "
    "Kupang Atambua Ende Maumere Waingapu Pontianak Singkawang Sambas Ketapang "
    "Sintang Palangkaraya Sampit Banjarmasin Martapura Balikpapan Samarinda "
    "Tenggarong Bontang Tarakan Nunukan Manado Bitung Tomohon Kotamobagu "
    "Gorontalo Palu Poso Luwuk Makassar Maros Pare Parepare Bulukumba Watampone "
    "Palopo Kendari Baubau Ambon Tual Ternate Tobelo Jayapura Abepura Merauke "
    "Biak Nabire Timika Sorong Manokwari Fakfak"
).split()

FIRST_NAMES = (  # noqa: SIM905 - a word list reads best as text
    "Agus Budi Dedi Eko Hendra Iwan Joko Rudi Slamet Wahyu Yusuf Andi Bambang "
    "Dwi Fajar Gunawan Hadi Imam Kurniawan Lukman Made Nyoman Ketut Wayan Ratna "
    "Sri Wulan Dewi Siti Nur Rina Yuni Maria Yohanes Petrus Stefanus Fransiskus "
    "Teguh Asep Ujang Dadang Cecep Ridwan"
).split()

# The fixed mix: (class, query). Rare words are in a few hundred posts,
# mid ones in a few thousand, common ones in most.
QUERIES = [
    ("rare", "barongsai"),
    ("rare", "taekwondo"),
    ("rare", "sasando"),
    ("rare", "marawis"),
    ("rare", "ketoprak"),
    ("rare", "Nusakambangan"),
    ("rare", "maggot"),
    ("rare", "wayang"),
    ("rare", "porang"),
    ("rare", "kolintang"),
    ("rare", "Waingapu"),
    ("rare", "latihan karate"),
    ("rare", "reog"),
    ("rare", "Fakfak"),
    ("rare", "panahan"),
    ("mid", "remisi"),
    ("mid", "narkoba"),
    ("mid", "rehabilitasi"),
    ("mid", "menjahit"),
    ("mid", "kunjungan keluarga"),
    ("mid", "upacara kemerdekaan"),
    ("mid", "vaksinasi"),
    ("mid", "asimilasi"),
    ("mid", "pembebasan bersyarat"),
    ("mid", "donor darah"),
    ("mid", "zakat"),
    ("mid", "penggeledahan"),
    ("mid", "zona integritas"),
    ("mid", "perpustakaan"),
    ("mid", "futsal"),
    ("mid", "pesantren"),
    ("mid", "litmas"),
    ("mid", "banjir"),
    ("mid", "pameran produk"),
    ("mid", '"hari bakti pemasyarakatan"'),
    ("common", "warga binaan"),
    ("common", "pembinaan"),
    ("common", "petugas"),
    ("common", "kegiatan"),
    ("common", "pemasyarakatan"),
    ("common", "lapas"),
    ("common", "kepala lapas"),
    ("common", "layanan"),
    ("common", "program pembinaan"),
    ("common", "kanwil"),
    ("common", "masyarakat"),
    ("common", "peningkatan kualitas"),
    ("common", "koordinasi"),
    ("common", "pelayanan"),
    ("common", "petugas lapas"),
]
OBVIOUS_SUBSET = [
    "barongsai",
    "Nusakambangan",
    "latihan karate",
    "remisi",
    "narkoba",
    "kunjungan keluarga",
    "zona integritas",
    "warga binaan",
    "pembinaan",
    "petugas",
    "kegiatan",
    "program pembinaan",
]


# --- Text generation -------------------------------------------------------------


class Writer:
    """Indonesian-looking news text, fast: sentences from pre-built pools."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.topics = {name: words.split() for name, words in TOPICS.items()}
        self.topic_names = list(self.topics)
        domain = sorted({w for words in self.topics.values() for w in words})
        self.domain = domain
        # Zipf-like weights over the domain words and over the topics.
        self.domain_weights = [1 / (i + 1) ** 0.8 for i in range(len(domain))]
        rng.shuffle(self.domain)
        self.topic_weights = [1 / (i + 1) ** 0.7 for i in range(len(self.topic_names))]
        # Rare words: the first of the list in a few percent of the posts,
        # the last in a few hundred of 200,000.
        self.rare_weights = [1 / (i + 1) ** 0.9 for i in range(len(RARE_WORDS))]
        self.pools = {name: self._pool(name, 300) for name in self.topic_names}
        self.general = self._pool(None, 1500)

    def _sentence(self, topic: str | None) -> str:
        # Function and common words everywhere; a topic's words mostly in
        # its own posts (so they are "mid": a few percent of the posts);
        # now and then any domain word, as real reports wander.
        rng = self.rng
        words = []
        for _ in range(rng.randint(9, 18)):
            roll = rng.random()
            if roll < 0.40:
                words.append(rng.choice(FUNCTION_WORDS))
            elif roll < 0.72 or (roll < 0.97 and not topic):
                words.append(rng.choice(COMMON_WORDS))
            elif roll < 0.97:
                words.append(rng.choice(self.topics[topic]))
            else:
                words.append(rng.choices(self.domain, self.domain_weights)[0])
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _pool(self, topic, size):
        return [self._sentence(topic) for _ in range(size)]

    def post(self) -> tuple[str, str, str]:
        rng = self.rng
        topic = rng.choices(self.topic_names, self.topic_weights)[0]
        topic_words = self.topics[topic]
        rare = rng.choices(RARE_WORDS, self.rare_weights, k=2)
        place = rng.choice(PLACES)
        name = "%s %s" % (rng.choice(FIRST_NAMES), rng.choice(FIRST_NAMES))
        # Consecutive topic words, so titles hold phrases ("hari bakti
        # pemasyarakatan") that a quoted query can find.
        start = rng.randrange(max(1, len(topic_words) - 2))
        title_words = topic_words[start : start + 3]
        title = "%s %s %s di Lapas %s" % (
            rng.choice(("Pelaksanaan", "Kegiatan", "Program", "Giat", "Sosialisasi")),
            " ".join(title_words),
            rare[0] if rng.random() < 0.5 else rng.choice(COMMON_WORDS),
            place,
        )
        lead = "%s %s bersama %s, %s." % (
            rng.choice(self.pools[topic])[:-1],
            place,
            name,
            rare[1],
        )
        paragraphs = []
        for _ in range(rng.randint(4, 6)):
            sentences = [
                rng.choice(self.pools[topic] if rng.random() < 0.7 else self.general)
                for _ in range(rng.randint(2, 4))
            ]
            paragraphs.append("<p>%s</p>" % " ".join(sentences))
        paragraphs.insert(
            rng.randint(0, len(paragraphs)),
            "<p>Menurut %s, kegiatan %s di %s akan berlanjut.</p>"
            % (name, " ".join(rare), place),
        )
        return title[:200], lead[:500], "\n".join(paragraphs)


# --- Database setup ----------------------------------------------------------------


def admin_connection():
    import psycopg

    return psycopg.connect(PG_URL + "postgres", autocommit=True)


def recreate_database():
    with admin_connection() as conn:
        conn.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
        conn.execute("CREATE DATABASE %s" % DB_NAME)


def drop_database():
    from django.db import connections

    connections.close_all()
    with admin_connection() as conn:
        conn.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DATABASE_URL"] = PG_URL + DB_NAME
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_posts(count: int, seed: int = 8) -> float:
    from django.db import connection, transaction

    from news.models import Category, Post
    from units.models import Region, Role, Unit, UnitType, User

    rng = random.Random(seed)
    writer = Writer(rng)
    regions = list(Region.objects.all())
    units = []
    for n in range(120):
        unit = Unit(
            unit_type=rng.choice(list(UnitType)),
            unit_class="IIA",
            place="%s %d" % (rng.choice(PLACES), n),
            region=regions[n % len(regions)],
            slug="bench-unit-%d" % n,
        )
        unit.save()
        units.append(unit)
    author = User.objects.create_user(
        username="bench", password=None, role=Role.CONTRIBUTOR, unit=units[0]
    )
    categories = list(Category.objects.values_list("pk", flat=True))

    fields = [
        f
        for f in Post._meta.concrete_fields
        if not f.primary_key and f.name != "search_vector"
    ]
    # JSON fields (Post.checks) go through COPY as JSON text.
    defaults = {
        f.attname: json.dumps(f.get_default())
        if isinstance(f.get_default(), dict | list)
        else f.get_default()
        for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = datetime.now(UTC)
    span = timedelta(days=5 * 365).total_seconds()

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS news_post_search_vector")
        raw = cursor.cursor  # psycopg's cursor, for COPY
        with raw.copy("COPY news_post (%s) FROM STDIN" % columns) as copy:
            for n in range(count):
                title, lead, body = writer.post()
                published = now - timedelta(seconds=rng.random() * span)
                unit = units[rng.randrange(len(units))]
                row = dict(
                    defaults,
                    title=title,
                    slug="bench-%d" % n,
                    lead=lead,
                    body=body,
                    unit_id=unit.pk,
                    author_id=author.pk,
                    category_id=rng.choice(categories),
                    status="published",
                    submitted_at=published - timedelta(hours=2),
                    published_at=published,
                    created_at=published - timedelta(hours=3),
                    updated_at=published,
                )
                copy.write_row([row[f.attname] for f in fields])
                if n and n % 50_000 == 0:
                    print("  %d posts..." % n, flush=True)
    # A new transaction: the deferred foreign-key checks of the load must
    # have run before an index can be built.
    print("  rebuilding the GIN index...", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "CREATE INDEX news_post_search_vector ON news_post USING gin "
            "(search_vector)"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE news_post")
    return time.perf_counter() - started


# --- Measurements ----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def time_search(rounds: int) -> dict:
    from news.search import post_search

    for _, query in QUERIES:  # warm-up
        post_search(query=query, page_number=1)
    timings: dict[str, list[float]] = {"rare": [], "mid": [], "common": []}
    per_query: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for _ in range(rounds):
        for cls, query in QUERIES:
            started = time.perf_counter()
            results = post_search(query=query, page_number=1)
            elapsed = (time.perf_counter() - started) * 1000
            timings[cls].append(elapsed)
            per_query.setdefault(query, []).append(elapsed)
            totals[query] = results.total
    return {"by_class": timings, "per_query": per_query, "totals": totals}


def count_matches() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for _, query in QUERIES:
            cursor.execute(
                "SELECT count(*) FROM news_post WHERE search_vector @@ "
                "websearch_to_tsquery('indonesian', %s)",
                [query],
            )
            counts[query] = cursor.fetchone()[0]
    return counts


OBVIOUS_SQL = """
SELECT id, ts_rank(search_vector, q) AS rank
FROM news_post, websearch_to_tsquery('indonesian', %s) AS q
WHERE status = 'published' AND search_vector @@ q
ORDER BY rank DESC, published_at DESC
LIMIT 20
"""


def time_obvious() -> dict[str, float]:
    from django.db import connection, transaction

    results = {}
    for query in OBVIOUS_SUBSET:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %d" % OBVIOUS_TIMEOUT_MS)
            for _ in range(2):  # a warm-up, then the timed run
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        cursor.execute(OBVIOUS_SQL, [query])
                        cursor.fetchall()
                    elapsed = (time.perf_counter() - started) * 1000
                except Exception:  # noqa: BLE001 - the statement timeout
                    elapsed = float(OBVIOUS_TIMEOUT_MS)
        results[query] = elapsed
    return results


def time_ranking_only() -> dict[str, float]:
    """Our ranking statement alone (no snippets, no page), like the obvious
    plan's figure, on the same subset: the like-for-like comparison."""
    from news.search import SearchFilters, _ranked_ids

    results = {}
    for query in OBVIOUS_SUBSET:
        _ranked_ids(query=query, filters=SearchFilters())  # warm-up
        started = time.perf_counter()
        _ranked_ids(query=query, filters=SearchFilters())
        results[query] = (time.perf_counter() - started) * 1000
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a kept database (no load)"
    )
    args = parser.parse_args()

    if not args.reuse:
        print("Creating %s ..." % DB_NAME, flush=True)
        recreate_database()
    try:
        setup_django()
        from news.search import SEARCH_CANDIDATES

        if not args.reuse:
            print("Loading %d posts (COPY, trigger fills the vectors)..." % args.posts)
            load_seconds = load_posts(args.posts)
            print("  loaded and indexed in %.0f s" % load_seconds)
        matches = count_matches()
        print("Timing post_search (page 1 with snippets), %d rounds..." % args.rounds)
        timed = time_search(args.rounds)
        print("Timing the obvious plan on %d queries..." % len(OBVIOUS_SUBSET))
        obvious = time_obvious()
        ranking_only = time_ranking_only()
    finally:
        if not args.keep:
            drop_database()

    everything = [t for ts in timed["by_class"].values() for t in ts]
    p50, p95 = percentile(everything, 0.5), percentile(everything, 0.95)
    obvious_p50 = statistics.median(obvious.values())
    ranking_p50 = statistics.median(ranking_only.values())

    print()
    print(
        "Search on %d posts; candidates ranked per query: %d"
        % (args.posts, SEARCH_CANDIDATES)
    )
    print()
    print(
        "%-32s %8s %6s %10s %10s %10s"
        % ("query", "matches", "class", "p50 ms", "rank only", "obvious")
    )
    for cls, query in QUERIES:
        ours = statistics.median(timed["per_query"][query])
        ob = obvious.get(query)
        rank = ranking_only.get(query)
        print(
            "%-32s %8d %6s %10.1f %10s %10s"
            % (
                query[:32],
                matches[query],
                cls,
                ours,
                ("%.1f" % rank) if rank is not None else "",
                ("%.0f" % ob) if ob is not None else "",
            )
        )
    print()
    print("%-10s %8s %8s %8s" % ("class", "calls", "p50 ms", "p95 ms"))
    for cls, values in timed["by_class"].items():
        print(
            "%-10s %8d %8.1f %8.1f"
            % (cls, len(values), percentile(values, 0.5), percentile(values, 0.95))
        )
    print("%-10s %8d %8.1f %8.1f" % ("all", len(everything), p50, p95))
    print()
    print(
        "Targets: p50 < %d ms (%s), p95 < %d ms (%s)"
        % (
            TARGETS["search_p50_ms"],
            "met" if p50 < TARGETS["search_p50_ms"] else "MISSED",
            TARGETS["search_p95_ms"],
            "met" if p95 < TARGETS["search_p95_ms"] else "MISSED",
        )
    )
    print(
        "Obvious plan (ts_rank over every match, no bound), %d queries: "
        "p50 %.0f ms, max %.0f ms" % (len(obvious), obvious_p50, max(obvious.values()))
    )
    print(
        json.dumps(
            {
                "posts": args.posts,
                "queries": len(QUERIES),
                "rounds": args.rounds,
                "search_p50_ms": round(p50, 1),
                "search_p95_ms": round(p95, 1),
                "ranking_only_p50_ms": round(ranking_p50, 1),
                "obvious_p50_ms": round(obvious_p50, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
