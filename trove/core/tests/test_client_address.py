from django.test import RequestFactory, override_settings

from trove.core.net import client_address

factory = RequestFactory()


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_behind_our_proxies_the_first_untrusted_hop_from_the_right_is_the_client():
    # The client forged the left-most entry; our nginx appended the real one.
    assert client_address(request("127.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request("10.1.2.3", "198.51.100.7, 10.0.0.5")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_garbled_or_missing_header_falls_back_to_the_peer():
    assert client_address(request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(request("127.0.0.1")) == "127.0.0.1"


def test_no_request_or_no_address_gives_none():
    assert client_address(None) is None
    assert client_address(request("")) is None
