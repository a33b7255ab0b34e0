"""factory_boy factories shared by the suite."""

import factory
from django.contrib.auth.models import Group

from units.models import ROLE_GROUPS, Region, Role, Unit, UnitType, User


class RegionFactory(factory.django.DjangoModelFactory):
    """Regions are loaded by migration; factories reuse them by province code."""

    class Meta:
        model = Region
        django_get_or_create = ("province_code",)

    province_code = "31"
    name = "DKI Jakarta"
    slug = "dki-jakarta"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    unit_type = UnitType.LAPAS
    unit_class = "IIA"
    place = factory.Sequence(lambda n: "Kota Uji %d" % n)
    region = factory.LazyFunction(lambda: Region.objects.get(province_code="31"))
    slug = factory.Sequence(lambda n: "lapas-kota-uji-%d" % n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: "user%d" % n)
    email = factory.LazyAttribute(lambda o: "%s@example.go.id" % o.username)
    first_name = "Uji"
    role = Role.CONTRIBUTOR
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def role_group(obj, create, extracted, **kwargs):
        # As units.services.user_set_role does: the role's group carries its
        # permissions. (Transactional tests may have flushed the groups.)
        if create:
            group = Group.objects.filter(name=ROLE_GROUPS[Role(obj.role)]).first()
            if group is not None:
                obj.groups.add(group)


class EditorFactory(UserFactory):
    role = Role.EDITOR
    unit = None
    is_staff = True


class HeadFactory(UserFactory):
    role = Role.HEAD


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER
    unit = None
    region = factory.LazyFunction(lambda: Region.objects.get(province_code="33"))
    is_staff = True


class AdministratorFactory(EditorFactory):
    role = Role.ADMIN


# --- News ----------------------------------------------------------------------


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Category"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: "Kategori Uji %d" % n)
    slug = factory.Sequence(lambda n: "kategori-uji-%d" % n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Tag"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: "tag uji %d" % n)
    slug = factory.Sequence(lambda n: "tag-uji-%d" % n)


class PostFactory(factory.django.DjangoModelFactory):
    """A post row as-is (status included), bypassing the services on purpose:
    tests set up any state directly and then exercise the service under test."""

    class Meta:
        model = "news.Post"

    title = factory.Sequence(lambda n: "Kegiatan pembinaan warga binaan %d" % n)
    slug = factory.Sequence(lambda n: "kegiatan-pembinaan-warga-binaan-%d" % n)
    lead = "Warga binaan mengikuti pelatihan keterampilan di bengkel kerja."
    body = "<p>Kegiatan berlangsung tertib dan diikuti dua puluh peserta.</p>"
    author = factory.SubFactory(UserFactory)
    unit = factory.LazyAttribute(lambda o: o.author.unit)
    category = factory.SubFactory(CategoryFactory)
    status = "draft"


class RefusalReasonFactory(factory.django.DjangoModelFactory):
    """A reason type for requests for changes and rejections. get_or_create:
    migration 0013's initial rows may or may not be there (a transactional
    test flushes them)."""

    class Meta:
        model = "news.RefusalReason"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: "Alasan uji %d" % n)
    slug = factory.Sequence(lambda n: "alasan-uji-%d" % n)
