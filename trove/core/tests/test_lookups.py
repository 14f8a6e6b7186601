"""``any_of``: the same rows as ``in``, an empty list matching nothing, and on PostgreSQL one value for the list."""

import pytest
from django.db import connection, models

from trove.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return [User.objects.create(username=f"lookup{n}", full_name=f"Người dùng {n}") for n in range(6)]


def test_the_same_rows_as_in(users):
    wanted = [users[1].pk, users[4].pk, users[5].pk, 10**9]  # one id that names nobody
    assert (sorted(User.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))
            == sorted(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            == sorted(wanted[:3]))
    assert User.objects.exclude(pk__any_of=wanted).filter(username__startswith="lookup").count() == 3


def test_an_empty_list_matches_nothing_and_leaves_the_other_branch(users):
    assert not User.objects.filter(pk__any_of=[]).exists()
    either = User.objects.filter(models.Q(pk__any_of=[]) | models.Q(username="lookup2"))
    assert list(either.values_list("pk", flat=True)) == [users[2].pk]


def test_thousands_of_ids(users):
    wanted = [user.pk for user in users] + list(range(10**8, 10**8 + 6000))
    assert User.objects.filter(pk__any_of=wanted).count() == len(users)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_the_list_goes_to_postgresql_as_one_value(users):
    wanted = list(range(1, 3001))
    sql, params = User.objects.filter(pk__any_of=wanted).query.sql_with_params()
    assert len(params) == 1 and "ANY" in sql
    assert len(User.objects.filter(pk__in=wanted).query.sql_with_params()[1]) == 3000


def test_a_foreign_key_takes_it_too():
    from trove.agencies.models import Membership
    from trove.core.testing import make_personas

    p = make_personas()
    wanted = [p.owner.pk, p.supervisor.pk]
    keyed = Membership.objects.filter(user_id__any_of=wanted).order_by("pk")
    assert list(keyed) == list(Membership.objects.filter(user_id__in=wanted).order_by("pk"))
    assert {membership.user_id for membership in keyed} == set(wanted)
    assert not Membership.objects.filter(user_id__any_of=[]).exists()
