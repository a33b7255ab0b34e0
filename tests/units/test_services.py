"""Roles and groups: units.services.user_set_role and the constraints."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from tests.factories import UnitFactory, UserFactory
from units.models import ROLE_GROUPS, Region, Role, User
from units.services import user_set_role

# --- Roles ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CONTRIBUTOR, set()),
        (Role.HEAD, set()),
        (Role.REVIEWER, {"view_region", "view_unit"}),
        (Role.EDITOR, {"view_region", "view_unit", "view_user"}),
        (
            Role.ADMIN,
            {
                "%s_%s" % (action, model)
                for action in ("add", "change", "delete", "view")
                for model in ("region", "unit", "user")
            },
        ),
    ],
)
def test_each_role_group_has_its_units_permissions(db, role, expected):
    group = Group.objects.get(name=ROLE_GROUPS[role])

    codenames = set(
        group.permissions.filter(content_type__app_label="units").values_list(
            "codename", flat=True
        )
    )
    assert codenames == expected


def test_contributor_gets_unit_and_only_the_contributor_group(db, unit):
    user = UserFactory(unit=unit)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.ADMIN]))

    user_set_role(user=user, role=Role.CONTRIBUTOR, unit=unit)

    user.refresh_from_db()
    assert user.unit == unit
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Kontributor UPT"]
    assert not user.has_perm("units.change_unit")


def test_promoting_a_contributor_to_editor_moves_group_and_admin_access(db, unit):
    user = UserFactory(unit=unit)

    user_set_role(user=user, role=Role.EDITOR)

    user = User.objects.get(pk=user.pk)
    assert (user.role, user.unit, user.region, user.is_staff) == (
        "editor",
        None,
        None,
        True,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Editor Ditjenpas"]
    assert user.has_perm("units.view_unit")
    assert not user.has_perm("units.delete_unit")


def test_reviewer_belongs_to_one_region(db):
    user = UserFactory(unit=UnitFactory())
    jateng = Region.objects.get(province_code="33")

    user_set_role(user=user, role=Role.REVIEWER, region=jateng)

    user.refresh_from_db()
    assert (user.region, user.unit, user.is_staff) == (jateng, None, True)
    assert list(user.groups.values_list("name", flat=True)) == ["Peninjau Kanwil"]


@pytest.mark.parametrize(
    ("role", "with_unit", "with_region", "field"),
    [
        (Role.CONTRIBUTOR, False, False, "unit"),
        (Role.HEAD, True, True, "region"),
        (Role.REVIEWER, False, False, "region"),
        (Role.REVIEWER, True, True, "unit"),
        (Role.EDITOR, True, False, "unit"),
        (Role.ADMIN, False, True, "region"),
    ],
)
def test_inconsistent_role_assignments_are_refused_and_change_nothing(
    db, unit, role, with_unit, with_region, field
):
    user = UserFactory(unit=unit)

    with pytest.raises(ValidationError) as excinfo:
        user_set_role(
            user=user,
            role=role,
            unit=unit if with_unit else None,
            region=Region.objects.get(province_code="33") if with_region else None,
        )

    assert field in excinfo.value.message_dict
    user.refresh_from_db()
    assert (user.role, user.unit) == (Role.CONTRIBUTOR, unit)


def test_the_database_also_refuses_a_contributor_without_unit(db):
    user = UserFactory.build(unit=None)

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()

    assert "harus terdaftar pada satu UPT" in str(excinfo.value)
