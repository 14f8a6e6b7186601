from django.urls import reverse

from trove.core.testing import PersonaTestCase
from trove.notifications.actions import notify
from trove.notifications.models import Notification

URL = reverse("notifications:list")


class NotificationPageTests(PersonaTestCase):
    def setUp(self):
        self.first = notify(user=self.p.owner, key="step:1:2026-03-02", message="Hồ sơ DT-2026-00001: quá hạn",
                            link="/verification/DT-2026-00001/")
        notify(user=self.p.owner, key="step:2:2026-03-02", message="Hồ sơ DT-2026-00002: sắp đến hạn")
        notify(user=self.p.outsider, key="step:3:2026-03-02", message="Hồ sơ AG-2026-00003: quá hạn")

    def test_the_same_key_is_never_notified_twice(self):
        self.assertIsNone(notify(user=self.p.owner, key="step:1:2026-03-02", message="again"))
        self.assertEqual(Notification.objects.filter(user=self.p.owner).count(), 2)

    def test_the_header_shows_the_unread_count_and_the_page_lists_only_ones_own(self):
        self.sign_in(self.p.owner)
        response = self.client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "DT-2026-00001")
        self.assertContains(response, "DT-2026-00002")
        self.assertNotContains(response, "AG-2026-00003")
        self.assertContains(response, '<span class="badge" aria-label="2 unread">2</span>', html=False)

    def test_opening_one_marks_it_read_and_follows_its_link(self):
        self.sign_in(self.p.owner)
        response = self.client.post(reverse("notifications:read"), {"notification": self.first.pk})
        self.assertRedirects(response, "/verification/DT-2026-00001/", fetch_redirect_response=False)
        self.first.refresh_from_db()
        self.assertTrue(self.first.is_read)
        self.assertEqual(Notification.objects.filter(user=self.p.owner, read_at__isnull=True).count(), 1)

    def test_marking_all_read_touches_only_ones_own(self):
        self.sign_in(self.p.owner)
        self.client.post(reverse("notifications:read"))
        self.assertFalse(Notification.objects.filter(user=self.p.owner, read_at__isnull=True).exists())
        self.assertTrue(Notification.objects.filter(user=self.p.outsider, read_at__isnull=True).exists())
        # Someone else's notification id does nothing.
        other = Notification.objects.get(user=self.p.outsider)
        self.client.post(reverse("notifications:read"), {"notification": other.pk})
        other.refresh_from_db()
        self.assertFalse(other.is_read)

    def test_signed_out_visitors_are_sent_to_sign_in(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertEqual(self.client.post(reverse("notifications:read")).status_code, 302)
