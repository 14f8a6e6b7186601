from django.urls import reverse

from trove.core.models import User


def test_it_lists_searches_and_edits_agencies_with_their_members(personas, sign_in):
    staff = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client = sign_in(staff)
    changelist = client.get(reverse("admin:agencies_agency_changelist"), {"q": "cong an"})
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [personas.partner_agency]
    change = client.get(reverse("admin:agencies_agency_change", args=[personas.owner_agency.pk]))
    assert change.status_code == 200
    assert personas.owner.username in change.content.decode() or str(personas.owner.pk) in change.content.decode()
    memberships = client.get(reverse("admin:agencies_membership_changelist"), {"role": "observer"})
    assert [membership.user for membership in memberships.context["cl"].result_list] == [personas.readonly]
