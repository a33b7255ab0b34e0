"""Writes for units and people: unit records and renames, roles, accounts.

The CSV imports live in units.imports and write through these functions.
"""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from units import tasks
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

logger = logging.getLogger(__name__)

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


# --- Accounts -----------------------------------------------------------------


def _enqueue(task, *args) -> None:
    """task.delay(*args) after commit; a broker that is down is only logged.

    The write it follows is already committed, so failing the request would
    only hide that it succeeded (as news.notifications.enqueue does).
    """
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure, same handling
        logger.exception("Could not enqueue %s; continuing without it", task.name)


@transaction.atomic
def account_create(
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    unit: Unit | None = None,
    region: Region | None = None,
) -> User:
    """A new account without a password, invited by mail to choose one.

    The invitation (units.mail) leaves once the account is committed; it
    carries a set-password link, never a password.
    """
    user = User(username=username, first_name=full_name, last_name="", email=email)
    user.set_unusable_password()
    user_set_role(user=user, role=role, unit=unit, region=region)
    transaction.on_commit(partial(_enqueue, tasks.send_account_invitation, user.pk))
    return user


@transaction.atomic
def account_update(
    *,
    user: User,
    full_name: str,
    email: str,
    role: str,
    unit: Unit | None = None,
    region: Region | None = None,
) -> list[str]:
    """Bring an account in line with an import row; returns what changed.

    A full name that already reads the same (first and last name together)
    is left as it is.
    """
    changed = []
    if full_name and full_name != user.get_full_name():
        user.first_name, user.last_name = full_name, ""
        changed.append("first_name")
    if email and email.casefold() != user.email.casefold():
        user.email = email
        changed.append("email")
    if (user.role, user.unit_id, user.region_id) != (
        role,
        unit.pk if unit else None,
        region.pk if region else None,
    ):
        changed.append("role")
    if changed:
        user_set_role(user=user, role=role, unit=unit, region=region)
    return changed


def email_taken_by(*, email: str, user: User | None = None) -> User | None:
    """Another account that already uses this address (any case), or None."""
    others = User.objects.filter(email__iexact=email.strip()).exclude(email="")
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    return others.only("username").first()


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    editor_digest: bool | None = None,
) -> list[str]:
    """A user's own changes to their profile; returns the fields that changed.

    The digest preference is an editor's only (news.notifications reads it).
    """
    if email_taken_by(email=email, user=user) is not None:
        raise ValidationError(
            {"email": _("Alamat e-mail ini sudah dipakai akun lain.")}
        )
    values = {"first_name": first_name, "last_name": last_name, "email": email}
    if editor_digest is not None and user.is_editor:
        values["editor_digest"] = editor_digest
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return changed


def _count_within_limit(key: str, limit: int) -> bool:
    """Count one hit in a one-hour window; False once past `limit`."""
    try:
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3600)
            count = 1
    except Exception:  # noqa: BLE001 - a cache outage must not block resets
        logger.exception("Password-reset limiter unavailable; allowing the request")
        return True
    return count <= limit


def password_reset_request(*, email: str, client_ip: str | None) -> bool:
    """Ask for a set-password mail to this address; False when throttled.

    At most PASSWORD_RESET_LIMIT_PER_ADDRESS requests an hour for one address
    and PASSWORD_RESET_LIMIT_PER_IP from one client address (higher: a unit's
    office may share one address). Known or unknown, the address is treated
    alike here; the worker looks the accounts up (units.mail), so neither the
    answer nor its timing says whether an account exists.
    """
    address = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    within = _count_within_limit(
        "password-reset:address:%s" % address,
        settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
    )
    within = (
        _count_within_limit(
            "password-reset:ip:%s" % (client_ip or "unknown"),
            settings.PASSWORD_RESET_LIMIT_PER_IP,
        )
        and within
    )
    if not within:
        logger.warning("Password reset throttled for a client (%s)", client_ip)
        return False
    transaction.on_commit(partial(_enqueue, tasks.send_password_reset, email.strip()))
    return True
