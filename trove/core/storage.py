"""Where private files live: under ``ATTACHMENTS_ROOT``, outside the web root, never served by the web server.

Only views that ask the access policy read them, and their content is encrypted (``trove.core.crypto``)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.ATTACHMENTS_ROOT, base_url=None)


private_storage = PrivateStorage()


@receiver(setting_changed)
def _follow_the_setting(*, setting: str, **kwargs) -> None:
    # Tests (and a reconfigured process) may move ATTACHMENTS_ROOT; the storage follows on next use.
    if setting == "ATTACHMENTS_ROOT":
        private_storage._wrapped = empty


def private_files() -> PrivateStorage:
    """For ``FileField(storage=private_files)``: a callable, so that migrations name it instead of baking in the
    absolute path of the machine that made them."""
    return private_storage
