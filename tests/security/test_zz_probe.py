from tests.test_access_matrix import world  # noqa
from tests.security.test_url_walk import walked_world, site_urls  # noqa

def test_probe(walked_world):
    for u in site_urls(walked_world):
        print(u)
