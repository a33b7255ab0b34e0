"""A small public site for the page-quality tests (HTML validity, accessibility,
weight on a phone, the reader's path in a browser).

One region's unit with a profile, a category, a tag, a handful of published
posts, and one article with a cover, three gallery photos (one portrait) and
real renditions made by news.services.renditions, as the worker makes them.
The photos are generated: coloured shapes under coarse grain, which compress
about as a real news photo does (a 640-wide WebP of ~45 KB), so the byte
budget is measured on realistic files, not on flat test images.

Also: the URLs of every public page the checks cover (PAGES) and a test URL
configuration (tests.public.urls) that serves media like the production
storage does and shows the error pages at fixed addresses.
"""

import io
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from news.models import Photo, PhotoKind, PhotoStatus, Post, Tag
from news.services.renditions import photo_renditions_create
from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory
from units.models import Region

ARTICLE_TITLE = "Pelatihan menjahit seragam bagi warga binaan Lapas Kota Uji"
ARTICLE_BODY = (
    "<p>Sebanyak dua puluh warga binaan mengikuti pelatihan menjahit seragam "
    "selama tiga bulan di bengkel kerja lapas. Instruktur dari balai latihan "
    "kerja mendampingi peserta sejak mengukur kain hingga memasang kancing.</p>"
    "<h2>Hasil pelatihan</h2>"
    "<p>Seragam buatan peserta dipakai petugas pada upacara Hari Bakti "
    "Pemasyarakatan. Kepala lapas berharap keterampilan ini menjadi bekal "
    "setelah bebas.</p>"
    "<ul><li>Menjahit pola dasar</li><li>Memasang kancing</li>"
    "<li>Merapikan jahitan</li></ul>"
    "<p>Pelatihan berikutnya dibuka untuk warga binaan perempuan pada bulan "
    "depan.</p>"
)


def photo_like(width: int, height: int, seed: int) -> bytes:
    """A JPEG that compresses like a photograph (see the module docstring)."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(base)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(10, width // 5)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + r, y + r * 0.7), fill=colour)
    grain = Image.merge(
        "RGB",
        [Image.effect_noise((width // 2, height // 2), 40 + 10 * i) for i in range(3)],
    ).resize((width, height), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    Image.blend(base, grain, 0.3).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def add_photo(post: Post, *, kind: str, size, seed: int, position: int = 0):
    """A photo with its renditions made now, as the worker makes them."""
    photo = Photo(
        unit=post.unit,
        post=post,
        kind=kind,
        position=position,
        width=size[0],
        height=size[1],
        alt_text="Warga binaan menjahit seragam di bengkel kerja (%d)" % seed,
        caption="Peserta pelatihan menjahit di bengkel kerja",
        credit="Humas Lapas",
        status=PhotoStatus.PENDING,
    )
    photo.image.save("photo.jpg", ContentFile(photo_like(*size, seed)), save=False)
    photo.save()
    photo_renditions_create(photo_id=photo.pk)
    return photo


@dataclass
class Site:
    unit: object
    region: Region
    category: object
    tag: Tag
    article: Post
    posts: list[Post] = field(default_factory=list)


def build_site(*, photos: bool = True) -> Site:
    region = Region.objects.get(province_code="31")
    unit = UnitFactory(region=region)
    author = UserFactory(unit=unit, first_name="Sari")
    category = CategoryFactory(name="Pembinaan", slug="pembinaan")
    tag = Tag.objects.create(name="kemandirian", slug="kemandirian")
    now = timezone.now()
    posts = []
    for n in range(6):
        post = PostFactory(
            author=author,
            unit=unit,
            category=category,
            status="published",
            title="Kegiatan pembinaan kemandirian warga binaan %d" % (n + 1),
            slug="kegiatan-pembinaan-kemandirian-%d" % (n + 1),
            published_at=now - timedelta(hours=2 + n),
        )
        post.tags.add(tag)
        posts.append(post)
    article = PostFactory(
        author=author,
        unit=unit,
        category=category,
        status="published",
        title=ARTICLE_TITLE,
        slug="pelatihan-menjahit-seragam",
        lead=(
            "Dua puluh warga binaan belajar menjahit seragam bersama "
            "instruktur balai latihan kerja."
        ),
        body=ARTICLE_BODY,
        location="Kota Uji",
        published_at=now - timedelta(hours=1),
    )
    article.tags.add(tag)
    if photos:
        add_photo(article, kind=PhotoKind.COVER, size=(1600, 1067), seed=1)
        for position, size in enumerate(((1600, 1067), (1067, 1600), (1600, 1067))):
            add_photo(
                article,
                kind=PhotoKind.GALLERY,
                size=size,
                seed=2 + position,
                position=position,
            )
    return Site(
        unit=unit,
        region=region,
        category=category,
        tag=tag,
        article=article,
        posts=[article, *posts],
    )


def _reverse_or_none(name: str, args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _english(name: str, args=()) -> str | None:
    """The English interface's address of a page (under /en/), if it has one."""
    with translation.override("en"):
        url = _reverse_or_none(name, args)
    return url if url and url.startswith("/en/") else None


def page_urls(site: Site) -> dict[str, str | None]:
    """name -> path of each page the checks cover; None when the page does
    not exist (yet) in this tree, so the caller can say which is missing."""
    today = timezone.localdate()
    search = reverse("public:search")
    return {
        "beranda": reverse("home"),
        "berita": site.article.get_absolute_url(),
        "upt": site.unit.get_absolute_url(),
        "kanwil": _reverse_or_none("public:region", [site.region.slug]),
        "kategori": site.category.get_absolute_url(),
        "tag": site.tag.get_absolute_url(),
        "arsip": _reverse_or_none("public:archive_month", [today.year, today.month]),
        "cari-hasil": search + "?q=menjahit",
        "cari-kosong": search + "?q=xyzzyqwv",
        "cari-saringan-salah": search + "?q=menjahit&kanwil=tidak-ada",
        "english-beranda": _english("home"),
        "english-berita": _english("public:article", [site.article.slug]),
        "galat-400": "/uji-galat/400/",
        "galat-403": "/uji-galat/403/",
        "galat-404": "/uji-galat/tidak-ada/",
        "galat-429": "/uji-galat/429/",
        "galat-500": "/uji-galat/500/",
    }
