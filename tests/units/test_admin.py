import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from units.models import Region, Role, Unit, User
from units.services import user_set_role

CSV = (
    b"nama,kanwil,alamat\n"
    b"Lapas Kelas IIA Salemba,DKI Jakarta,Jl. Percetakan Negara\n"
    b"Lapas Kelas IIA Bukit Duri,Atlantis,\n"
)


def make_user(role, *, unit=None, region=None, **kwargs) -> User:
    user = User.objects.create_user(
        username="%s-%s" % (role, User.objects.count()),
        password="rahasia-uji-123",
        role=role,
        unit=unit,
        region=region,
        **kwargs,
    )
    return user_set_role(user=user, role=role, unit=unit, region=region)


@pytest.fixture
def semarang(db):
    return UnitFactory(
        name="Lapas Perempuan Kelas IIA Semarang",
        speciality="perempuan",
        place="Semarang",
        region=Region.objects.get(province_code="33"),
    )


@pytest.fixture
def contributor(semarang):
    return make_user(Role.CONTRIBUTOR, unit=semarang, first_name="Sari")


@pytest.fixture
def reviewer(db):
    return make_user(Role.REVIEWER, region=Region.objects.get(province_code="33"))


@pytest.fixture
def editor(db):
    return make_user(Role.EDITOR)


@pytest.fixture
def administrator(db):
    """An administrator by role and group, not a superuser."""
    return make_user(Role.ADMIN)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who reaches what -------------------------------------------------------


def test_contributor_and_head_cannot_reach_the_admin(semarang, contributor):
    head = make_user(Role.HEAD, unit=semarang)
    for user in (contributor, head):
        response = client_for(user).get(reverse("admin:units_unit_changelist"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:units_unit_changelist",
        "admin:units_region_changelist",
        "admin:units_user_changelist",
    ],
)
def test_editor_and_administrator_pages_load(editor, administrator, url_name):
    for user in (editor, administrator):
        assert client_for(user).get(reverse(url_name)).status_code == 200


def test_editor_can_view_a_unit_but_not_change_delete_or_import(editor, semarang):
    client = client_for(editor)

    change = client.get(reverse("admin:units_unit_change", args=[semarang.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert (
        client.post(
            reverse("admin:units_unit_change", args=[semarang.pk]),
            {"name": "Diubah", "place": "X"},
        ).status_code
        == 403
    )
    delete = client.get(reverse("admin:units_unit_delete", args=[semarang.pk]))
    assert delete.status_code == 403
    assert client.get(reverse("admin:units_unit_add")).status_code == 403
    assert client.get(reverse("admin:units_unit_import")).status_code == 403
    changelist = client.get(reverse("admin:units_unit_changelist"))
    assert b"Impor CSV" not in changelist.content
    assert Unit.objects.filter(name="Lapas Perempuan Kelas IIA Semarang").exists()


def test_reviewer_sees_units_but_not_accounts(reviewer):
    client = client_for(reviewer)

    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:units_user_changelist")).status_code == 403


def test_administrator_may_delete_a_unit(administrator):
    unit = UnitFactory()

    response = client_for(administrator).post(
        reverse("admin:units_unit_delete", args=[unit.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()


# --- Units ------------------------------------------------------------------


def test_unit_page_lists_its_members(administrator, semarang, contributor):
    response = client_for(administrator).get(
        reverse("admin:units_unit_change", args=[semarang.pk])
    )

    assert response.status_code == 200
    assert "Anggota UPT" in response.text
    assert contributor.username in response.text
    assert "Kontributor UPT" in response.text


def test_saving_a_unit_with_members_keeps_them(administrator, semarang, contributor):
    response = client_for(administrator).post(
        reverse("admin:units_unit_change", args=[semarang.pk]),
        {
            "name": semarang.name,
            "slug": semarang.slug,
            "region": semarang.region_id,
            "is_active": "on",
            "unit_type": "lapas",
            "speciality": "perempuan",
            "unit_class": "IIA",
            "place": "Semarang",
            "phone": "024-000000",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "1",
            "members-0-id": contributor.pk,
            "members-0-unit": semarang.pk,
            "name_history-TOTAL_FORMS": "0",
            "name_history-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    semarang.refresh_from_db()
    contributor.refresh_from_db()
    assert semarang.phone == "024-000000"
    assert (contributor.unit, contributor.role) == (semarang, Role.CONTRIBUTOR)


def test_unit_list_filters_by_region_type_and_class(editor, semarang):
    UnitFactory(
        name="Rutan Kelas IIB Banjarnegara",
        place="Banjarnegara",
        unit_type="rutan",
        unit_class="IIB",
        region=Region.objects.get(province_code="33"),
    )
    UnitFactory(
        name="Rutan Kelas IIB Bangil",
        place="Bangil",
        unit_type="rutan",
        unit_class="IIB",
        region=Region.objects.get(province_code="35"),
    )
    client = client_for(editor)
    url = reverse("admin:units_unit_changelist")
    jateng = Region.objects.get(province_code="33")

    response = client.get(
        url,
        {
            "region__id__exact": jateng.pk,
            "unit_type__exact": "rutan",
            "unit_class__exact": "IIB",
        },
    )

    assert [u.name for u in response.context["cl"].result_list] == [
        "Rutan Kelas IIB Banjarnegara"
    ]


def test_unit_search_finds_other_spellings(editor, semarang):
    response = client_for(editor).get(
        reverse("admin:units_unit_changelist"),
        {"q": "lapas perempuan klas 2a semarang"},
    )

    assert [u.pk for u in response.context["cl"].result_list] == [semarang.pk]


def test_adding_a_unit_builds_name_and_slug_and_refuses_a_second_spelling(
    administrator, semarang
):
    client = client_for(administrator)
    data = {
        "name": "",
        "slug": "",
        "region": Region.objects.get(province_code="51").pk,
        "is_active": "on",
        "unit_type": "lapas",
        "speciality": "",
        "unit_class": "IIB",
        "place": "Tabanan",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "name_history-TOTAL_FORMS": "0",
        "name_history-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:units_unit_add"), data)

    assert response.status_code == 302, response.context["errors"]
    unit = Unit.objects.get(place="Tabanan")
    assert (unit.name, unit.slug) == (
        "Lapas Kelas IIB Tabanan",
        "lapas-kelas-iib-tabanan",
    )

    twin = {**data, "name": "Lapas Perempuan Kelas IIa Semarang", "place": "Semarang"}
    response = client.post(reverse("admin:units_unit_add"), twin)
    assert response.status_code == 200
    assert "sudah terdaftar sebagai" in response.text
    assert Unit.objects.filter(place="Semarang").count() == 1


def test_region_list_counts_units_in_a_constant_number_of_queries(editor):
    client = client_for(editor)
    url = reverse("admin:units_region_changelist")
    UnitFactory()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for code in ("11", "12", "51", "63", "81", "91"):
        UnitFactory.create_batch(2, region=Region.objects.get(province_code=code))
    UnitFactory(is_active=False)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(few)
    jakarta = next(
        r for r in response.context["cl"].result_list if r.name == "DKI Jakarta"
    )
    assert (jakarta.unit_count, jakarta.active_unit_count) == (2, 1)


# --- Import through the admin -------------------------------------------------


def test_administrator_imports_csv_and_sees_the_report(administrator):
    client = client_for(administrator)
    changelist = client.get(reverse("admin:units_unit_changelist"))
    assert reverse("admin:units_unit_import") in changelist.text

    response = client.post(
        reverse("admin:units_unit_import"),
        {"file": SimpleUploadedFile("upt.csv", CSV, "text/csv")},
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert [(r.line, r.status) for r in report.rows] == [(2, "created"), (3, "error")]
    assert "1 dibuat, 0 diperbarui, 0 tidak berubah, 1 galat" in response.text
    assert "Kanwil tidak dikenal" in response.text
    unit = Unit.objects.get()
    assert unit.name == "Lapas Kelas IIA Salemba"
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (
        administrator,
        ADDITION,
        str(unit.pk),
    )

    again = client.post(
        reverse("admin:units_unit_import"),
        {"file": SimpleUploadedFile("upt.csv", CSV, "text/csv")},
    )
    assert "0 dibuat, 0 diperbarui, 1 tidak berubah, 1 galat" in again.text
    assert Unit.objects.count() == 1


def test_admin_import_dry_run_saves_nothing(administrator):
    response = client_for(administrator).post(
        reverse("admin:units_unit_import"),
        {"file": SimpleUploadedFile("upt.csv", CSV, "text/csv"), "dry_run": "on"},
    )

    assert "Uji coba: tidak ada yang disimpan." in response.text
    assert not Unit.objects.exists()
    assert not LogEntry.objects.exists()


def test_admin_import_needs_a_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:units_unit_import"),
        {"file": SimpleUploadedFile("upt.csv", CSV, "text/csv")},
    )

    assert response.status_code == 403
    assert not Unit.objects.exists()


def test_admin_import_without_a_file_shows_the_form_error(administrator):
    response = client_for(administrator).post(reverse("admin:units_unit_import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


# --- Accounts -------------------------------------------------------------------


def user_form_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "unit": user.unit_id or "",
        "region": user.region_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_account_role_change_moves_groups_and_admin_access(administrator, contributor):
    jateng = Region.objects.get(province_code="33")

    response = client_for(administrator).post(
        reverse("admin:units_user_change", args=[contributor.pk]),
        user_form_data(contributor, role="reviewer", unit="", region=jateng.pk),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    contributor.refresh_from_db()
    assert (contributor.role, contributor.region, contributor.is_staff) == (
        "reviewer",
        jateng,
        True,
    )
    assert list(contributor.groups.values_list("name", flat=True)) == [
        "Peninjau Kanwil"
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": "reviewer", "unit": ""}, "region", "harus memilih satu kanwil"),
        ({"role": "editor"}, "unit", "tidak terdaftar pada UPT"),
        ({"unit": ""}, "unit", "harus memilih satu UPT"),
    ],
)
def test_inconsistent_role_is_a_form_error_not_a_500(
    administrator, contributor, changes, field, message
):
    response = client_for(administrator).post(
        reverse("admin:units_user_change", args=[contributor.pk]),
        user_form_data(contributor, **changes),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    contributor.refresh_from_db()
    assert contributor.role == Role.CONTRIBUTOR


def test_adding_an_account_with_a_unit_gives_it_the_role_group(administrator, semarang):
    response = client_for(administrator).post(
        reverse("admin:units_user_add"),
        {
            "username": "humas.semarang",
            "usable_password": "true",
            "password1": "Sinergi-Warta-2024",
            "password2": "Sinergi-Warta-2024",
            "role": "contributor",
            "unit": semarang.pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="humas.semarang")
    assert (user.unit, user.is_staff) == (semarang, False)
    assert list(user.groups.values_list("name", flat=True)) == ["Kontributor UPT"]


def test_adding_a_contributor_without_unit_is_a_form_error(administrator):
    response = client_for(administrator).post(
        reverse("admin:units_user_add"),
        {
            "username": "tanpa.upt",
            "usable_password": "false",
            "role": "contributor",
        },
    )

    assert response.status_code == 200
    assert "harus memilih satu UPT" in response.text
    assert not User.objects.filter(username="tanpa.upt").exists()


def test_administrator_cannot_make_anyone_superuser(administrator, editor):
    client = client_for(administrator)

    for user in (administrator, editor):
        response = client.post(
            reverse("admin:units_user_change", args=[user.pk]),
            user_form_data(user, is_superuser="on", first_name="Baru"),
        )
        assert response.status_code == 302

    administrator.refresh_from_db()
    editor.refresh_from_db()
    assert (administrator.first_name, administrator.is_superuser) == ("Baru", False)
    assert (editor.first_name, editor.is_superuser) == ("Baru", False)


def test_administrator_cannot_change_a_superuser(administrator):
    root = User.objects.create_superuser("root", "root@example.go.id", "x-y-z-123")

    response = client_for(administrator).post(
        reverse("admin:units_user_change", args=[root.pk]),
        user_form_data(root, first_name="Diambil alih"),
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.first_name == ""


def test_user_list_filters_by_role_and_unit_region(editor, contributor, reviewer):
    UserFactory(unit=UnitFactory())  # a contributor in Jakarta
    client = client_for(editor)
    jateng = Region.objects.get(province_code="33")

    response = client.get(
        reverse("admin:units_user_changelist"),
        {"role__exact": "contributor", "unit__region__id__exact": jateng.pk},
    )

    assert [u.pk for u in response.context["cl"].result_list] == [contributor.pk]


def test_account_pages_load_for_administrator_and_read_only_for_editor(
    administrator, editor, contributor
):
    change = reverse("admin:units_user_change", args=[contributor.pk])
    admin_client = client_for(administrator)

    page = admin_client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' in page.content
    assert "Kontributor UPT" in page.text  # the group, shown read-only
    assert admin_client.get(reverse("admin:units_user_add")).status_code == 200

    view_only = client_for(editor).get(change)
    assert view_only.status_code == 200
    assert b'name="_save"' not in view_only.content
    assert client_for(editor).get(reverse("admin:units_user_add")).status_code == 403
