"""Writes for units and people: unit records and renames, roles, accounts.

The CSV imports live in units.imports and write through these functions.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from units.models import (
    ROLE_GROUPS,
    STAFF_ROLES,
    UNIT_ROLES,
    Region,
    Role,
    Unit,
    UnitNameHistory,
    User,
)
from units.names import normalize_unit_name

# --- Units --------------------------------------------------------------------

# Fields the import and the admin may set; name, key and slug are derived.
UNIT_DETAIL_FIELDS = ("address", "phone", "email", "website", "profile")


@transaction.atomic
def unit_create(
    *,
    region: Region,
    unit_type: str,
    place: str,
    name: str = "",
    speciality: str = "",
    unit_class: str = "",
    slug: str = "",
    is_active: bool = True,
    **details: str,
) -> Unit:
    """A new unit; its name is built from the parts when not given verbatim."""
    unit = Unit(
        region=region,
        unit_type=unit_type,
        place=place,
        name=name,
        speciality=speciality,
        unit_class=unit_class,
        slug=slug,
        is_active=is_active,
        **details,
    )
    return unit_save(unit=unit)


@transaction.atomic
def unit_update(*, unit: Unit, actor: User | None = None, **fields) -> list[str]:
    """Set the given fields, validate and save; returns the fields that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed.append(name)
    unit_save(unit=unit, actor=actor)
    return changed


@transaction.atomic
def unit_save(*, unit: Unit, actor: User | None = None) -> Unit:
    """Validate and save a unit as it stands (the admin form's changes, say).

    A new name is recorded in UnitNameHistory, by `actor`, so imports still
    find the unit under the name it had.
    """
    unit.fill_derived_fields()
    # Unit.clean() reports a same-key unit by name; the raw unique check on
    # the key would only repeat it in a less readable way.
    unit.full_clean(exclude=["normalized_name"])
    old_name = (
        Unit.objects.filter(pk=unit.pk).values_list("name", flat=True).first()
        if unit.pk
        else None
    )
    unit.save()
    if old_name is not None and old_name != unit.name:
        UnitNameHistory.objects.create(
            unit=unit,
            old_name=old_name,
            old_normalized_name=normalize_unit_name(old_name),
            new_name=unit.name,
            changed_by=actor,
        )
    return unit


# --- People -------------------------------------------------------------------


def user_role_validate(*, role: str, unit: Unit | None, region: Region | None) -> None:
    """Unit staff have one unit, reviewers one region, everyone else neither."""
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Peran tidak dikenal.")
    elif role in UNIT_ROLES:
        if unit is None:
            errors["unit"] = _("Kontributor dan kepala UPT harus memilih satu UPT.")
        if region is not None:
            errors["region"] = _(
                "Hanya peninjau kanwil yang terdaftar pada kanwil; kosongkan."
            )
    elif role == Role.REVIEWER:
        if region is None:
            errors["region"] = _("Peninjau kanwil harus memilih satu kanwil.")
        if unit is not None:
            errors["unit"] = _("Peninjau kanwil tidak terdaftar pada UPT; kosongkan.")
    else:
        if unit is not None:
            errors["unit"] = _(
                "Editor dan administrator Ditjenpas tidak terdaftar pada UPT; "
                "kosongkan."
            )
        if region is not None:
            errors["region"] = _(
                "Editor dan administrator Ditjenpas tidak terdaftar pada kanwil; "
                "kosongkan."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_set_role(
    *, user: User, role: str, unit: Unit | None = None, region: Region | None = None
) -> User:
    """Give an account its role: unit or region, admin access and the role's group.

    The account ends up in exactly one role group, so its permissions are the
    role's and nothing left over from an earlier role.
    """
    user_role_validate(role=role, unit=unit, region=region)
    user.role = role
    user.unit = unit
    user.region = region
    user.is_staff = role in STAFF_ROLES
    user.full_clean(exclude=["password"])
    user.save()
    group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])
    user.groups.set([group])
    return user
