"""Demo posts for `manage.py load_demo`, written through the services.

Run after units.demo (which loads the demo units and accounts). Safe to run
again: a post whose unit already has one with the same title is skipped. Units
missing from the database are skipped with a note.

Posts go through post_create / post_submit / post_approve ... like real ones,
so every one has its audit trail; afterwards their dates are moved into the
past (a direct update, demo only) so the site shows a believable timeline.
Units without a demo account get a passwordless author account
("humas-demo-<unit slug>") that nobody can log in with. Mail goes to the
dummy backend while the demo loads (in-process tasks only).
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape

from news import services
from news.models import (
    Category,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    Programme,
)
from units.models import Role, Unit, User
from units.names import normalize_unit_name
from units.services import user_set_role

S = PostStatus
HASHTAG = "HumasBergerakBersama"
RAKOR_DAY = date(2024, 9, 27)


@dataclass(frozen=True)
class DemoPost:
    unit: str
    category: str  # slug
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    status: str = S.PUBLISHED
    days_ago: int = 1  # publication (or submission) this many days back
    on: date | None = None  # a fixed publication day instead of days_ago
    tags: tuple[str, ...] = ()
    location: str = ""
    programme: str = Programme.NONE
    featured: bool = False
    comment: str = ""  # the editor's request for changes


SEMARANG = "Lapas Perempuan Kelas IIA Semarang"
KARANG_INTAN = "Lapas Narkotika Kelas IIA Karang Intan"

POSTS = (
    DemoPost(
        unit="Lapas Kelas IIA Salemba",
        category="kegiatan",
        title="Humas Lapas Salemba Ikut Dibentuk Menjadi Agen Informasi dan "
        "Publikasi Pemasyarakatan",
        lead="Pertemuan humas pemasyarakatan se-Indonesia di Jakarta mengusung "
        "tema Sinergi Merajut Citra Pemasyarakatan yang Berdampak.",
        paragraphs=(
            "Petugas humas Lapas Kelas IIA Salemba mengikuti rapat koordinasi "
            "kehumasan pemasyarakatan yang berlangsung di Jakarta pada 24 sampai "
            "27 September 2024. Kegiatan ini diikuti 150 peserta dari 54 UPT "
            "pemasyarakatan bersama jajaran Ditjenpas.",
            "Selama empat hari peserta berlatih menulis berita, mengelola media "
            "sosial, dan menangani komunikasi saat krisis. Di akhir kegiatan, para "
            "peserta dikukuhkan sebagai Agen Informasi dan Publikasi "
            "Pemasyarakatan dengan semangat #HumasBergerakBersama.",
            "Sepulang dari Jakarta, tim humas Salemba menyusun jadwal liputan "
            "mingguan agar kegiatan pembinaan di lapas lebih sering dikabarkan "
            "kepada masyarakat.",
        ),
        on=date(2024, 9, 28),
        tags=(HASHTAG, "rakor humas"),
        location="Jakarta",
        featured=True,
    ),
    DemoPost(
        unit="Lapas Khusus Kelas IIA Karanganyar Nusakambangan",
        category="berita-daerah-kanwil",
        title="Lapas Karanganyar Wakili Jawa Tengah di Rakor Humas Pemasyarakatan",
        lead="Perwakilan dari Pulau Nusakambangan membawa pulang bekal baru untuk "
        "publikasi kegiatan lapas.",
        paragraphs=(
            "Lapas Khusus Kelas IIA Karanganyar Nusakambangan mengirim kepala lapas "
            "dan petugas pelaporan ke Rapat Koordinasi Humas Pemasyarakatan di "
            "Jakarta. Keduanya hadir mewakili wilayah Jawa Tengah.",
            "Rakor bertema Sinergi Merajut Citra Pemasyarakatan yang Berdampak ini "
            "menekankan kerja sama antara UPT, media, dan masyarakat agar informasi "
            "tentang pemasyarakatan tersampaikan secara akurat.",
            "Tim humas berencana membagikan materi pelatihan kepada rekan-rekan "
            "petugas di lapas lain di Nusakambangan.",
        ),
        on=RAKOR_DAY,
        tags=(HASHTAG, "rakor humas"),
        location="Jakarta",
    ),
    DemoPost(
        unit="Lapas Kelas IIA Salemba",
        category="prestasi",
        title="Lapas Salemba Terima Penghargaan Manajemen Komunikasi Krisis Terbaik",
        lead="Penghargaan diserahkan pada penutupan rakor humas pemasyarakatan 2024.",
        paragraphs=(
            "Lapas Kelas IIA Salemba menjadi salah satu penerima penghargaan "
            "Manajemen Komunikasi Krisis Terbaik, bersama Lapas Kelas I Madiun dan "
            "Lapas Perempuan Kelas IIA Jakarta.",
            "Penghargaan ini menilai kecepatan dan ketepatan UPT memberi keterangan "
            "resmi ketika muncul isu di media maupun media sosial.",
        ),
        on=RAKOR_DAY,
        tags=(HASHTAG, "penghargaan"),
        location="Jakarta",
    ),
    DemoPost(
        unit=KARANG_INTAN,
        category="prestasi",
        title="Karang Intan Jadi Kontributor Berita Teraktif di Situs Ditjenpas",
        lead="Konsistensi mengirim berita kegiatan pembinaan berbuah penghargaan.",
        paragraphs=(
            "Lapas Narkotika Kelas IIA Karang Intan menerima penghargaan Kontributor "
            "Berita pada Website Ditjenpas Teraktif. Penghargaan yang sama juga "
            "diterima Lapas Kelas IIB Tabanan dan Lapas Kelas IIB Banjarbaru.",
            "Tim humas lapas terbiasa menulis berita pada hari yang sama dengan "
            "kegiatan, lengkap dengan foto yang menjaga privasi warga binaan.",
        ),
        on=RAKOR_DAY,
        tags=(HASHTAG, "penghargaan"),
        location="Jakarta",
    ),
    DemoPost(
        unit=SEMARANG,
        category="apa-kabar-pemasyarakatan",
        title="Apa Kabar Pemasyarakatan: Dapur Tata Boga Lapas Perempuan Semarang",
        lead="Kue kering buatan warga binaan kini dijual di koperasi dan pameran UMKM.",
        paragraphs=(
            "Setiap pagi dapur pelatihan tata boga Lapas Perempuan Kelas IIA "
            "Semarang dipenuhi aroma mentega. Dua puluh warga binaan belajar "
            "menakar bahan, memanggang, dan mengemas kue kering.",
            "Instruktur dari dinas tenaga kerja setempat mendampingi pelatihan "
            "sampai peserta mampu menghitung harga pokok produksi sendiri.",
            "Hasil penjualan sebagian disisihkan sebagai tabungan warga binaan "
            "untuk modal usaha setelah bebas.",
        ),
        days_ago=4,
        tags=("tata boga", "kemandirian"),
        programme=Programme.APA_KABAR,
        location="Bengkel kerja Lapas Perempuan Semarang",
        featured=True,
    ),
    DemoPost(
        unit=SEMARANG,
        category="pembinaan-kemandirian",
        title="Warga Binaan Lapas Perempuan Semarang Belajar Membatik Motif Pesisiran",
        lead="Pelatihan membatik tulis berlangsung dua pekan bersama perajin lokal.",
        paragraphs=(
            "Sebanyak 25 warga binaan mengikuti pelatihan membatik tulis dengan "
            "motif pesisiran khas Semarang. Perajin batik dari kampung batik "
            "setempat datang mengajar tiga kali sepekan.",
            "Peserta belajar dari tahap membuat pola, mencanting, hingga pewarnaan. "
            "Kain hasil pelatihan akan dipamerkan di ruang tunggu layanan "
            "kunjungan.",
        ),
        days_ago=12,
        tags=("batik", "kemandirian"),
        location="Aula Lapas Perempuan Semarang",
    ),
    DemoPost(
        unit=SEMARANG,
        category="layanan-publik",
        title="Pendaftaran Kunjungan Tatap Muka Kini Bisa Lewat Aplikasi Pesan",
        lead="Keluarga tidak perlu lagi antre sejak subuh untuk mengambil nomor.",
        paragraphs=(
            "Lapas Perempuan Kelas IIA Semarang membuka pendaftaran kunjungan "
            "melalui aplikasi pesan singkat. Keluarga cukup mengirim nama warga "
            "binaan dan tanggal kunjungan, lalu menerima nomor antrean.",
            "Layanan ini melengkapi loket pendaftaran yang tetap buka bagi keluarga "
            "yang datang langsung.",
        ),
        days_ago=21,
        tags=("layanan kunjungan",),
    ),
    DemoPost(
        unit=SEMARANG,
        category="kegiatan",
        title="Senam Pagi dan Cek Kesehatan Gratis bagi Warga Binaan",
        lead="Tenaga kesehatan lapas memeriksa tekanan darah dan gula darah peserta.",
        paragraphs=(
            "Usai senam pagi bersama, warga binaan mengantre pemeriksaan kesehatan "
            "sederhana di klinik lapas.",
            "Warga binaan yang hasil pemeriksaannya perlu ditindaklanjuti dijadwalkan "
            "kontrol ke dokter pekan depan.",
        ),
        status=S.SUBMITTED,
        days_ago=0,
        tags=("kesehatan",),
    ),
    DemoPost(
        unit=SEMARANG,
        category="pembinaan-kepribadian-rehabilitasi",
        title="Pesantren Kilat bagi Warga Binaan Lapas Perempuan Semarang",
        lead="Kegiatan keagamaan berlangsung sepekan bersama penyuluh agama.",
        paragraphs=(
            "Warga binaan muslim mengikuti pesantren kilat yang diisi tadarus, "
            "kajian fikih sehari-hari, dan praktik ibadah.",
            "Penyuluh agama dari kantor kementerian agama setempat menjadi "
            "pengajar utama.",
        ),
        status=S.CHANGES_REQUESTED,
        days_ago=1,
        comment="Mohon tambahkan jumlah peserta dan foto yang tidak menampilkan "
        "wajah warga binaan.",
    ),
    DemoPost(
        unit=KARANG_INTAN,
        category="pembinaan-kepribadian-rehabilitasi",
        title="Rehabilitasi Sosial Angkatan Baru Diikuti 120 Warga Binaan",
        lead="Program enam bulan ini memadukan konseling, kelompok dukungan, dan "
        "kegiatan produktif.",
        paragraphs=(
            "Lapas Narkotika Kelas IIA Karang Intan membuka angkatan baru program "
            "rehabilitasi sosial bagi warga binaan kasus penyalahgunaan narkotika.",
            "Selama enam bulan peserta mengikuti konseling individu, sesi kelompok, "
            "dan kegiatan kerja agar terbiasa dengan rutinitas yang sehat.",
            "Petugas pemasyarakatan dan konselor adiksi memantau perkembangan setiap "
            "peserta melalui catatan mingguan.",
        ),
        days_ago=2,
        tags=("rehabilitasi", "narkotika"),
        featured=True,
    ),
    DemoPost(
        unit=KARANG_INTAN,
        category="pembinaan-kemandirian",
        title="Kebun Hidroponik Lapas Karang Intan Panen Perdana",
        lead="Sayuran hasil panen dipakai dapur lapas dan dijual kepada pegawai.",
        paragraphs=(
            "Instalasi hidroponik yang dibangun warga binaan di halaman belakang "
            "lapas menghasilkan panen pertama berupa selada dan pakcoy.",
            "Warga binaan yang merawat kebun belajar mengatur nutrisi dan menjaga "
            "kebersihan instalasi setiap hari.",
        ),
        days_ago=16,
        tags=("hidroponik", "kemandirian"),
    ),
    DemoPost(
        unit=KARANG_INTAN,
        category="kegiatan",
        title="Tes Urine Mendadak bagi Petugas dan Warga Binaan",
        lead="Pemeriksaan bersama BNN kabupaten menegaskan komitmen lapas bersih "
        "dari narkoba.",
        paragraphs=(
            "Petugas dan warga binaan yang dipilih acak menjalani tes urine yang "
            "dilaksanakan bersama petugas BNN kabupaten.",
            "Kepala lapas menyampaikan bahwa pemeriksaan serupa akan terus dilakukan "
            "tanpa pemberitahuan sebelumnya.",
        ),
        status=S.SCHEDULED,
        days_ago=-2,
        tags=("narkotika",),
    ),
    DemoPost(
        unit=KARANG_INTAN,
        category="kegiatan",
        title="Mahasiswa Psikologi Belajar Langsung tentang Rehabilitasi di Lapas",
        lead="Kunjungan studi diisi diskusi dengan konselor adiksi.",
        paragraphs=(
            "Tiga puluh mahasiswa psikologi berkunjung untuk mempelajari layanan "
            "rehabilitasi di Lapas Narkotika Karang Intan.",
            "Mahasiswa berdiskusi dengan konselor tentang tahapan pemulihan dan "
            "peran keluarga dalam mencegah kekambuhan.",
        ),
        status=S.SUBMITTED,
        days_ago=0,
        tags=("rehabilitasi", "kunjungan"),
    ),
    DemoPost(
        unit="Lapas Kelas I Madiun",
        category="pembinaan-kemandirian",
        title="Bengkel Las Lapas Madiun Kebanjiran Pesanan Pagar dan Teralis",
        lead="Pesanan datang dari warga sekitar dan sekolah di Kota Madiun.",
        paragraphs=(
            "Bengkel las yang dikelola warga binaan Lapas Kelas I Madiun menerima "
            "pesanan pagar, teralis, dan rak besi.",
            "Pengerjaan diawasi instruktur bersertifikat, sehingga warga binaan "
            "memperoleh pengalaman kerja yang tercatat.",
        ),
        days_ago=6,
        tags=("pengelasan", "kemandirian"),
    ),
    DemoPost(
        unit="Lapas Perempuan Kelas IIA Jakarta",
        category="klarifikasi",
        title="Klarifikasi atas Video tentang Kondisi Blok Hunian",
        lead="Video yang beredar di media sosial direkam beberapa tahun lalu, "
        "sebelum renovasi.",
        paragraphs=(
            "Lapas Perempuan Kelas IIA Jakarta menyampaikan bahwa video yang "
            "beredar bukan rekaman terbaru. Blok hunian yang tampak di video telah "
            "direnovasi.",
            "Masyarakat yang ingin mengetahui layanan lapas dapat menghubungi kanal "
            "pengaduan resmi yang tercantum di situs ini.",
        ),
        days_ago=9,
        tags=("klarifikasi",),
    ),
    DemoPost(
        unit="Lapas Pemuda Kelas IIA Tangerang",
        category="apa-kabar-pemasyarakatan",
        title="Apa Kabar Pemasyarakatan: Band Warga Binaan Rekam Lagu Sendiri",
        lead="Studio musik sederhana di Lapas Pemuda Tangerang melahirkan lagu "
        "tentang harapan.",
        paragraphs=(
            "Lima warga binaan muda menulis dan merekam lagu di studio musik lapas. "
            "Liriknya bercerita tentang keluarga yang menunggu di rumah.",
            "Pembina musik menyebut latihan band melatih disiplin dan kerja sama.",
        ),
        days_ago=5,
        tags=("musik", "seni"),
        programme=Programme.APA_KABAR,
    ),
    DemoPost(
        unit="Rutan Kelas IIB Tanjung Redeb",
        category="pembinaan-kemandirian",
        title="Rutan Tanjung Redeb Gelar Pelatihan Barista",
        lead="Kopi lokal Berau jadi bahan latihan menyeduh.",
        paragraphs=(
            "Dua belas warga binaan Rutan Kelas IIB Tanjung Redeb belajar menyeduh "
            "kopi manual dan mengoperasikan mesin espreso.",
            "Pelatihan menggunakan biji kopi dari petani Berau agar peserta "
            "mengenal produk daerahnya sendiri.",
        ),
        days_ago=8,
        tags=("barista", "kemandirian"),
        programme=Programme.APA_KABAR,
    ),
    DemoPost(
        unit="Lapas Kelas IIB Tabanan",
        category="pembinaan-kemandirian",
        title="Warga Binaan Lapas Tabanan Belajar Mengukir Kayu",
        lead="Pengukir dari desa sekitar mengajarkan teknik ukiran Bali.",
        paragraphs=(
            "Lapas Kelas IIB Tabanan mengundang pengukir kayu untuk melatih warga "
            "binaan membuat hiasan dinding dan bingkai cermin.",
            "Hasil ukiran dipajang di ruang pameran produk lapas dan dapat dipesan "
            "pengunjung.",
        ),
        days_ago=11,
        tags=("kerajinan", "kemandirian"),
    ),
    DemoPost(
        unit="Lapas Kelas IIB Banjarbaru",
        category="pembinaan-kepribadian-rehabilitasi",
        title="Pojok Baca Baru untuk Warga Binaan Lapas Banjarbaru",
        lead="Ratusan buku sumbangan perpustakaan daerah mengisi rak-rak baru.",
        paragraphs=(
            "Lapas Kelas IIB Banjarbaru meresmikan pojok baca di dekat ruang "
            "kegiatan. Warga binaan dapat meminjam buku sepulang kegiatan kerja.",
            "Petugas menyiapkan jadwal diskusi buku bulanan untuk menumbuhkan minat "
            "baca.",
        ),
        days_ago=14,
        tags=("literasi",),
    ),
    DemoPost(
        unit="Rutan Kelas IIB Bangil",
        category="layanan-publik",
        title="Rutan Bangil Jawab Pertanyaan Keluarga Lewat Siaran Langsung",
        lead="Siaran mingguan di media sosial membahas syarat kunjungan dan titipan "
        "barang.",
        paragraphs=(
            "Setiap Jumat sore petugas layanan Rutan Kelas IIB Bangil menjawab "
            "pertanyaan keluarga warga binaan melalui siaran langsung.",
            "Pertanyaan yang sering muncul dirangkum menjadi unggahan panduan yang "
            "mudah dibagikan.",
        ),
        days_ago=18,
        tags=("media sosial", "layanan kunjungan"),
    ),
    DemoPost(
        unit="Rutan Kelas IIB Banjarnegara",
        category="kegiatan",
        title="Rutan Banjarnegara Gandeng Puskesmas untuk Skrining TBC",
        lead="Seluruh tahanan dan warga binaan menjalani pemeriksaan gejala.",
        paragraphs=(
            "Petugas puskesmas memeriksa gejala tuberkulosis pada tahanan dan warga "
            "binaan Rutan Kelas IIB Banjarnegara.",
            "Skrining rutin membantu mencegah penularan di dalam hunian yang padat.",
        ),
        days_ago=25,
        tags=("kesehatan",),
    ),
    DemoPost(
        unit="Balai Pemasyarakatan Kelas I Malang",
        category="pembinaan-kemandirian",
        title="Bapas Malang Dampingi Klien Membuka Usaha Kuliner",
        lead="Pembimbing kemasyarakatan membantu klien menyusun rencana usaha.",
        paragraphs=(
            "Balai Pemasyarakatan Kelas I Malang mendampingi klien pemasyarakatan "
            "yang memulai usaha warung makan setelah menjalani pembebasan "
            "bersyarat.",
            "Pendampingan meliputi pencatatan keuangan sederhana dan pengurusan "
            "izin usaha mikro.",
        ),
        days_ago=7,
        tags=("klien pemasyarakatan", "kemandirian"),
    ),
    DemoPost(
        unit="Lapas Kelas I Sukamiskin",
        category="pembinaan-kepribadian-rehabilitasi",
        title="Warga Binaan Lapas Sukamiskin Ikuti Ujian Kesetaraan Paket C",
        lead="Ujian berlangsung di ruang kelas lapas dengan pengawas dari PKBM.",
        paragraphs=(
            "Delapan belas warga binaan mengikuti ujian kesetaraan Paket C yang "
            "diselenggarakan bersama pusat kegiatan belajar masyarakat.",
            "Ijazah kesetaraan membuka kesempatan kerja dan pendidikan lanjutan "
            "setelah warga binaan kembali ke masyarakat.",
        ),
        days_ago=19,
        tags=("pendidikan",),
    ),
    DemoPost(
        unit="LPKA Kelas II Bandung",
        category="kegiatan",
        title="Anak Binaan LPKA Bandung Tampil di Festival Seni Pelajar",
        lead="Tari tradisional yang dibawakan anak binaan mendapat sambutan hangat.",
        paragraphs=(
            "Anak binaan LPKA Kelas II Bandung menampilkan tari jaipong di festival "
            "seni pelajar tingkat kota.",
            "Latihan dilakukan sepulang sekolah di LPKA dengan bimbingan pelatih "
            "sanggar tari.",
        ),
        days_ago=23,
        tags=("seni", "anak"),
    ),
    DemoPost(
        unit="Lapas Kelas IIA Kerobokan",
        category="pembinaan-kemandirian",
        title="Produk Kerajinan Warga Binaan Lapas Kerobokan Dipamerkan di Pasar Seni",
        lead="Tas anyaman dan lukisan karya warga binaan dipajang selama tiga hari.",
        paragraphs=(
            "Lapas Kelas IIA Kerobokan membuka stan di pasar seni untuk memajang "
            "hasil kerajinan warga binaan.",
            "Pengunjung dapat membeli produk langsung; sebagian hasil penjualan "
            "menjadi premi bagi perajin.",
        ),
        status=S.SUBMITTED,
        days_ago=0,
        tags=("kerajinan",),
    ),
    DemoPost(
        unit="Lapas Kelas IIA Yogyakarta",
        category="pembinaan-kemandirian",
        title="Pelatihan Pertukangan Bersertifikat di Lapas Yogyakarta",
        lead="Peserta yang lulus uji kompetensi menerima sertifikat dari lembaga "
        "sertifikasi profesi.",
        paragraphs=(
            "Warga binaan Lapas Kelas IIA Yogyakarta menyelesaikan pelatihan "
            "pertukangan kayu selama satu bulan.",
            "Uji kompetensi di akhir pelatihan menilai kemampuan membaca gambar "
            "kerja dan merakit perabot.",
        ),
        days_ago=27,
        tags=("pertukangan", "sertifikasi"),
    ),
    DemoPost(
        unit="Rutan Kelas I Makassar",
        category="layanan-publik",
        title="Rutan Makassar Perkenalkan Antrean Daring untuk Titipan Barang",
        lead="Keluarga dapat memilih jam penitipan sehingga loket tidak penuh.",
        paragraphs=(
            "Rutan Kelas I Makassar menyediakan antrean daring untuk layanan "
            "penitipan barang bagi tahanan.",
            "Petugas tetap memeriksa setiap barang titipan sesuai ketentuan keamanan.",
        ),
        days_ago=29,
        tags=("layanan publik",),
    ),
    DemoPost(
        unit="Lapas Kelas IIA Kupang",
        category="kegiatan",
        title="Lapas Kupang Tanam Lima Ratus Bibit Pohon bersama Warga Sekitar",
        lead="Penanaman dilakukan di lahan kosong milik lapas dan sekitar jalan masuk.",
        paragraphs=(
            "Petugas, warga binaan tahap asimilasi, dan warga sekitar menanam bibit "
            "mahoni dan buah-buahan.",
            "Perawatan bibit dijadwalkan bergiliran agar tanaman tumbuh baik di "
            "musim kemarau.",
        ),
        days_ago=33,
        tags=("lingkungan",),
    ),
    DemoPost(
        unit="LPKA Kelas I Blitar",
        category="pembinaan-kemandirian",
        title="Anak Binaan LPKA Blitar Belajar Desain Grafis",
        lead="Kelas komputer mengajarkan dasar desain poster dan konten digital.",
        paragraphs=(
            "LPKA Kelas I Blitar membuka kelas desain grafis dua kali sepekan bagi "
            "anak binaan.",
            "Karya terbaik dipakai sebagai poster kampanye layanan di lingkungan LPKA.",
        ),
        days_ago=36,
        tags=("anak", "teknologi"),
    ),
    DemoPost(
        unit="Lapas Kelas IIA Ambon",
        category="berita-daerah-kanwil",
        title="Kepala Kanwil Tinjau Layanan dan Pembinaan di Lapas Ambon",
        lead="Kunjungan kerja difokuskan pada layanan kesehatan dan kegiatan kerja.",
        paragraphs=(
            "Kepala Kantor Wilayah Maluku meninjau klinik, dapur, dan bengkel kerja "
            "Lapas Kelas IIA Ambon.",
            "Ia meminta petugas menjaga kebersihan dapur dan mencatat setiap "
            "kegiatan pembinaan dengan tertib.",
        ),
        days_ago=40,
        tags=("kunjungan kerja",),
    ),
    DemoPost(
        unit="Lapas Kelas IIA Salemba",
        category="layanan-publik",
        title="Lapas Salemba Buka Layanan Informasi Hak Integrasi",
        lead="Keluarga dapat menanyakan syarat pembebasan bersyarat dan cuti "
        "bersyarat di satu loket.",
        paragraphs=(
            "Loket informasi hak integrasi di Lapas Kelas IIA Salemba melayani "
            "pertanyaan keluarga setiap hari kerja.",
            "Petugas membantu keluarga memahami dokumen yang diperlukan dan "
            "tahapan pengusulan.",
        ),
        days_ago=3,
        tags=("layanan publik", "integrasi"),
    ),
)


def _write(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _units_by_key() -> dict[str, Unit]:
    keys = {normalize_unit_name(spec.unit) for spec in POSTS}
    return {
        unit.normalized_name: unit
        for unit in Unit.objects.filter(normalized_name__in=keys).select_related(
            "region"
        )
    }


def _author_for(unit: Unit) -> User:
    """The unit's demo contributor, or a passwordless author for the demo."""
    member = (
        User.objects.filter(unit=unit, role=Role.CONTRIBUTOR, is_active=True)
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member
    user, created = User.objects.get_or_create(
        username=("humas-demo-%s" % unit.slug)[:150],
        defaults={
            "first_name": "Humas",
            "last_name": unit.name[:150],
            "role": Role.CONTRIBUTOR,
            "unit": unit,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_set_role(user=user, role=Role.CONTRIBUTOR, unit=unit)
    return user


def _body(paragraphs: tuple[str, ...]) -> str:
    return "".join("<p>%s</p>" % escape(text) for text in paragraphs)


def _moment(spec: DemoPost, index: int) -> datetime:
    """When the post went out: its fixed day, or days back, at office hours."""
    day = spec.on or (timezone.localdate() - timedelta(days=spec.days_ago))
    hour = 8 + index % 8
    return timezone.make_aware(datetime.combine(day, time(hour, 15 + index % 40)))


def _backdate(post: Post, *, submitted: datetime, published: datetime | None) -> None:
    """Move a demo post's timeline into the past (demo only: a direct update)."""
    created = submitted - timedelta(hours=3)
    decided = published or submitted + timedelta(hours=1)
    fields = {"created_at": created, "updated_at": decided}
    if post.submitted_at is not None:
        fields["submitted_at"] = submitted
    if published is not None:
        fields["published_at"] = published
    Post.objects.filter(pk=post.pk).update(**fields)
    moments = {
        PostAction.CREATE: created,
        PostAction.SUBMIT: submitted,
        PostAction.HEAD_APPROVE: submitted + timedelta(minutes=30),
        PostAction.FEATURE: decided + timedelta(minutes=5),
    }
    for event in PostEvent.objects.filter(post=post):
        PostEvent.objects.filter(pk=event.pk).update(
            created_at=moments.get(event.action, decided)
        )


# The first posts get a generated cover, so the demo site shows the photo
# pipeline (renditions, <picture>) without shipping photographs.
DEMO_COVERS = 12
COVER_COLOURS = [
    ((11, 37, 69), (201, 162, 39)),
    ((19, 49, 92), (110, 168, 214)),
    ((30, 90, 60), (220, 200, 120)),
    ((120, 40, 40), (240, 190, 120)),
]


def _demo_cover(spec: DemoPost) -> SimpleUploadedFile:
    """A 1600x1000 JPEG with a gradient and the category and unit names."""
    from PIL import Image, ImageDraw, ImageFont

    dark, light = COVER_COLOURS[sum(map(ord, spec.category)) % len(COVER_COLOURS)]
    mask = Image.linear_gradient("L").rotate(45, expand=True).resize((1600, 1000))
    image = Image.composite(
        Image.new("RGB", mask.size, light), Image.new("RGB", mask.size, dark), mask
    )
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.load_default(size=72), ImageFont.load_default(size=40)
    draw.text((80, 720), spec.category.replace("-", " ").upper(), font=small)
    draw.text((80, 790), spec.unit, font=big, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("sampul.jpg", buffer.getvalue(), "image/jpeg")


def _load_one(spec: DemoPost, index: int, *, unit: Unit, editor: User | None) -> Post:
    author = _author_for(unit)
    category = Category.objects.get(slug=spec.category)
    when = _moment(spec, index)
    post = services.post_create(
        author=author,
        title=spec.title,
        lead=spec.lead,
        body=_body(spec.paragraphs),
        category=category,
        tags=spec.tags,
        programme=spec.programme,
        event_date=when.date() - timedelta(days=1) if spec.on is None else spec.on,
        location=spec.location,
    )
    if index < DEMO_COVERS:
        services.photo_upload(
            unit=unit,
            actor=author,
            file=_demo_cover(spec),
            kind=PhotoKind.COVER,
            post=post,
            alt_text="Ilustrasi berita: %s" % spec.title,
            caption="Gambar ilustrasi untuk data demo.",
            credit="Humas %s" % unit.place,
        )
    if spec.status == S.DRAFT:
        return post
    post = services.post_submit(post=post, actor=author)
    if post.status == S.HEAD_REVIEW:
        head = User.objects.filter(unit=unit, role=Role.HEAD, is_active=True).first()
        if head is None:
            return post
        post = services.post_head_approve(post=post, actor=head)
    if editor is None or spec.status == S.SUBMITTED:
        _backdate(post, submitted=min(when, timezone.now()), published=None)
        return post

    submitted = when - timedelta(hours=2)
    if spec.status == S.PUBLISHED:
        post = services.post_approve(post=post, actor=editor)
        if spec.featured:
            post = services.post_set_featured(post=post, actor=editor, featured=True)
        _backdate(post, submitted=submitted, published=when)
    elif spec.status == S.SCHEDULED:
        publish_at = max(when, timezone.now() + timedelta(hours=1))
        post = services.post_approve(post=post, actor=editor, publish_at=publish_at)
        _backdate(post, submitted=timezone.now() - timedelta(hours=2), published=None)
    elif spec.status == S.CHANGES_REQUESTED:
        post = services.post_request_changes(
            post=post, actor=editor, comment=spec.comment or "Mohon lengkapi."
        )
        _backdate(post, submitted=min(submitted, timezone.now()), published=None)
    return post


def demo_load_posts(*, stdout: TextIO | None = None) -> int:
    """Create the demo posts that do not exist yet; returns how many were made."""
    units = _units_by_key()
    editor = User.objects.filter(username="editor", is_active=True).first()
    if editor is not None and not editor.is_editor:
        editor = None
    if editor is None:
        _write(stdout, "Berita demo: akun editor tidak ada; berita hanya dikirim.")
    if not Category.objects.exists():
        _write(stdout, "Berita demo: kategori belum ada (jalankan migrate).")
        return 0

    created, missing = 0, set()
    # Mail from the demo goes nowhere (tasks that run in-process).
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        for index, spec in enumerate(POSTS):
            unit = units.get(normalize_unit_name(spec.unit))
            if unit is None:
                missing.add(spec.unit)
                continue
            if Post.objects.filter(unit=unit, title=spec.title).exists():
                continue
            _load_one(spec, index, unit=unit, editor=editor)
            created += 1
    for name in sorted(missing):
        _write(stdout, "Berita demo: UPT %s tidak ditemukan, dilewati." % name)
    _write(
        stdout,
        "Berita demo: %d dibuat, %d sudah ada."
        % (created, len(POSTS) - created - len(missing)),
    )
    return created
