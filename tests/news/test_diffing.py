"""news.diffing: readable word-level differences, no database needed."""

import re

from news.diffing import (
    DELETE,
    EQUAL,
    INSERT,
    PHOTO_ADDED,
    PHOTO_CHANGED,
    PHOTO_REMOVED,
    PHOTO_SAME,
    Segment,
    diff_sets,
    diff_words,
    html_to_text,
    photos_diff,
    render_segments,
    revision_diff,
    snapshot_diff,
    tokenize,
)


def versions(segments):
    """The two texts a diff was made from, rebuilt from its segments."""
    before = "".join(s.text for s in segments if s.op != INSERT)
    after = "".join(s.text for s in segments if s.op != DELETE)
    return before, after


def changes(segments):
    return [(s.op, s.text) for s in segments if s.op != EQUAL]


# --- HTML to text --------------------------------------------------------------


def test_body_is_compared_as_the_text_a_reader_sees():
    html = (
        "<p>Warga binaan &amp; petugas <strong>berlatih</strong>&nbsp;bersama.</p>"
        "<h2>Jadwal</h2><ul><li>Senin</li><li>Kamis</li></ul>"
        "<p>Baris satu<br>baris dua</p>"
    )

    assert html_to_text(html) == (
        "Warga binaan & petugas berlatih bersama.\n\n"
        "Jadwal\n\n"
        "• Senin\n\n"
        "• Kamis\n\n"
        "Baris satu\nbaris dua"
    )


def test_an_image_reads_as_its_alt_text_and_scripts_are_dropped():
    html = (
        '<figure class="image"><img src="/media/a.jpg" alt="Pelatihan menjahit">'
        "<figcaption>Kelas menjahit</figcaption></figure>"
        "<script>alert(1)</script><p>Teks</p>"
    )

    assert html_to_text(html) == (
        "[Gambar: Pelatihan menjahit]\n\nKelas menjahit\n\nTeks"
    )


def test_source_newlines_and_spaces_are_layout_not_text():
    assert html_to_text("<p>satu\n   dua</p>\n\n<p>  tiga </p>") == "satu dua\n\ntiga"
    assert html_to_text("") == ""


# --- Words ----------------------------------------------------------------------


def test_tokens_are_whole_words_with_their_inner_joiners():
    assert tokenize("Warga-binaan ikut 1.000 jam, pukul 08.30 WIB.") == [
        "Warga-binaan",
        " ",
        "ikut",
        " ",
        "1.000",
        " ",
        "jam",
        ",",
        " ",
        "pukul",
        " ",
        "08.30",
        " ",
        "WIB",
        ".",
    ]


def test_a_changed_word_is_replaced_whole_never_split():
    segments = diff_words("pembinaan kemandirian", "pembinaan kepribadian")

    # difflib on characters would keep "ke" and change "mandirian".
    assert changes(segments) == [(DELETE, "kemandirian"), (INSERT, "kepribadian")]
    assert versions(segments) == ("pembinaan kemandirian", "pembinaan kepribadian")


def test_every_change_starts_and_ends_on_a_word_boundary():
    before = "Kegiatan pembinaan kepribadian diikuti 120 warga binaan di aula."
    after = "Kegiatan pembinaan kemandirian diikuti 150 warga binaan pria di masjid."
    segments = diff_words(before, after)

    words_before, words_after = set(tokenize(before)), set(tokenize(after))
    for op, text in changes(segments):
        words = set(tokenize(text)) - {" "}
        assert words <= (words_before if op == DELETE else words_after), text
    assert versions(segments) == (before, after)


def test_neighbouring_changed_words_read_as_one_change():
    segments = diff_words(
        "Acara dibuka oleh kepala lapas kemarin.",
        "Acara dibuka oleh kepala kanwil pagi ini.",
    )

    assert changes(segments) == [
        (DELETE, "lapas kemarin"),
        (INSERT, "kanwil pagi ini"),
    ]


def test_paragraphs_stay_apart_in_a_body_diff():
    before = "Paragraf satu.\n\nParagraf lama."
    after = "Paragraf satu.\n\nParagraf baru.\n\nParagraf tambahan."
    segments = diff_words(before, after)

    assert versions(segments) == (before, after)
    assert changes(segments)[-1] == (INSERT, "\n\nParagraf tambahan.")


def test_identical_texts_have_no_change():
    assert changes(diff_words("Sama saja.", "Sama saja.")) == []
    assert diff_words("", "") == []


def test_rendering_escapes_text_and_names_each_change_for_screen_readers():
    html = render_segments(
        [
            Segment(EQUAL, "a <b> "),
            Segment(DELETE, "lama & usang"),
            Segment(INSERT, "<script>"),
        ]
    )

    assert "a &lt;b&gt; " in html
    assert "<script>" not in html
    assert re.search(
        r'<del><span class="diff-sr">\[dihapus:\] </span>lama &amp; usang', html
    )
    assert re.search(
        r'<ins><span class="diff-sr">\[ditambah:\] </span>&lt;script', html
    )
    assert "akhir perubahan" in html


def test_spaces_and_line_breaks_at_the_edges_of_a_change_stay_unmarked():
    html = render_segments(
        [Segment(EQUAL, "Semarang"), Segment(INSERT, "\n\nSelama Ramadan ")]
    )

    assert html.startswith("Semarang\n\n<ins>")
    assert "</span>Selama Ramadan<span" in html
    assert html.endswith("</ins> ")


# --- Snapshots -----------------------------------------------------------------


SNAPSHOT = {
    "version": 1,
    "title": "Pelatihan menjahit di Lapas",
    "lead": "Warga binaan belajar menjahit.",
    "body": "<p>Pelatihan diikuti dua puluh peserta.</p>",
    "category": "Pembinaan",
    "tags": ["keterampilan", "menjahit"],
    "programme": "",
    "event_date": "2024-09-24",
    "location": "Aula",
    "photos": [
        {
            "uuid": "a" * 32,
            "kind": "cover",
            "position": 0,
            "caption": "Peserta menjahit",
            "alt_text": "Warga binaan menjahit",
            "credit": "Humas",
        },
        {
            "uuid": "b" * 32,
            "kind": "gallery",
            "position": 1,
            "caption": "Penutupan",
            "alt_text": "Foto bersama",
            "credit": "",
        },
    ],
}


def resubmitted(**changes):
    return {**SNAPSHOT, **changes}


def test_an_unchanged_resubmission_shows_no_change():
    diff = snapshot_diff(SNAPSHOT, resubmitted())

    assert not diff.has_changes
    assert diff.changed_fields == []
    assert [f.label for f in diff.unchanged_fields][:3] == [
        "Judul",
        "Ringkasan",
        "Isi berita",
    ]


def test_untouched_photos_are_named_among_what_did_not_change():
    unchanged = snapshot_diff(SNAPSHOT, resubmitted())
    assert unchanged.unchanged_labels[-1] == "Foto"

    cover = {**SNAPSHOT["photos"][0], "caption": "Peserta menjahit seragam"}
    recaptioned = resubmitted(photos=[cover, SNAPSHOT["photos"][1]])
    assert "Foto" not in snapshot_diff(SNAPSHOT, recaptioned).unchanged_labels

    # An edit's revision holds no photos: it says nothing about them.
    edit = revision_diff(SNAPSHOT, {**SNAPSHOT, "title": "Judul lain"})
    assert edit.unchanged_labels == ["Ringkasan", "Isi berita"]


def test_fields_are_labelled_in_indonesian_and_compared_as_suits_them():
    diff = snapshot_diff(
        SNAPSHOT,
        resubmitted(
            title="Pelatihan menjahit di Lapas Kelas IIA",
            category="Kegiatan Kerja",
            tags=["menjahit", "pelatihan"],
            programme="apa_kabar",
            event_date="2024-09-25",
        ),
    )
    changed = {f.name: f for f in diff.changed_fields}

    assert set(changed) == {"title", "category", "tags", "programme", "event_date"}
    assert changed["title"].label == "Judul"
    assert changes(changed["title"].segments) == [(INSERT, " Kelas IIA")]
    # A choice is replaced whole.
    assert changes(changed["category"].segments) == [
        (DELETE, "Pembinaan"),
        (INSERT, "Kegiatan Kerja"),
    ]
    assert changes(changed["programme"].segments) == [
        (DELETE, "(bukan program khusus)"),
        (INSERT, 'Program "Apa Kabar Pemasyarakatan"'),
    ]
    assert changes(changed["event_date"].segments) == [
        (DELETE, "Selasa, 24 September 2024"),
        (INSERT, "Rabu, 25 September 2024"),
    ]
    assert changes(changed["tags"].segments) == [
        (DELETE, "keterampilan"),
        (INSERT, "pelatihan"),
    ]


def test_body_changes_are_of_text_not_markup():
    diff = snapshot_diff(
        SNAPSHOT,
        resubmitted(body="<p>Pelatihan diikuti <em>dua puluh lima</em> peserta.</p>"),
    )
    (body,) = diff.changed_fields

    assert body.label == "Isi berita"
    assert changes(body.segments) == [(INSERT, " lima")]
    assert "<em>" not in body.html and "&lt;em" not in body.html


def test_markup_alone_is_no_change_to_a_reader():
    diff = snapshot_diff(
        SNAPSHOT,
        resubmitted(
            body="<p>Pelatihan diikuti <strong>dua puluh</strong> peserta.</p>"
        ),
    )

    assert not diff.has_changes


def test_photos_added_removed_and_with_caption_changed():
    new_photo = {
        "uuid": "c" * 32,
        "kind": "gallery",
        "position": 2,
        "caption": "Hasil jahitan",
        "alt_text": "Baju hasil jahitan",
        "credit": "",
    }
    cover = {**SNAPSHOT["photos"][0], "caption": "Peserta menjahit seragam"}
    photos = photos_diff(SNAPSHOT["photos"], [cover, new_photo])
    by_uuid = {p.uuid: p for p in photos}

    assert by_uuid["a" * 32].status == PHOTO_CHANGED
    assert by_uuid["a" * 32].status_label == "diubah"
    assert by_uuid["a" * 32].kind_label == "Foto utama"
    (caption,) = by_uuid["a" * 32].fields
    assert caption.label == "Keterangan foto"
    assert changes(caption.segments) == [(INSERT, " seragam")]
    assert by_uuid["c" * 32].status == PHOTO_ADDED
    assert by_uuid["c" * 32].status_label == "ditambah"
    assert by_uuid["b" * 32].status == PHOTO_REMOVED
    assert by_uuid["b" * 32].status_label == "dihapus"
    # Removed photos come last.
    assert photos[-1].uuid == "b" * 32


def test_an_untouched_photo_is_not_a_change():
    diff = snapshot_diff(SNAPSHOT, resubmitted())

    assert {p.status for p in diff.photos} == {PHOTO_SAME}
    assert diff.changed_photos == []


def test_alt_text_and_credit_changes_are_named():
    cover = {**SNAPSHOT["photos"][0], "alt_text": "Dua warga binaan", "credit": ""}
    diff = snapshot_diff(SNAPSHOT, resubmitted(photos=[cover, SNAPSHOT["photos"][1]]))

    (photo,) = diff.changed_photos
    assert [f.label for f in photo.fields] == ["Teks alternatif", "Kredit foto"]


def test_revisions_compare_title_lead_and_body_only():
    before = {"title": "Lama", "lead": "Ringkas", "body": "<p>Satu lama.</p>"}
    after = {"title": "Lama", "lead": "Ringkas", "body": "<p>Satu baru.</p>"}
    diff = revision_diff(before, after)

    assert [f.name for f in diff.fields] == ["title", "lead", "body"]
    assert [f.name for f in diff.changed_fields] == ["body"]


def test_tags_keep_their_order_and_separators():
    segments = diff_sets(["b", "a"], ["a", "c"])

    assert [(s.op, s.text) for s in segments] == [
        (EQUAL, "a"),
        (EQUAL, ", "),
        (DELETE, "b"),
        (EQUAL, ", "),
        (INSERT, "c"),
    ]
