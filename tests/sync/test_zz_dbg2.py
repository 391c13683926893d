from tests.sync.test_expiry_owner import *  # noqa
from tests.sync.test_expiry_owner import test_a_late_redemption_made_before_the_expiry_is_corrected_once as base
from app.store.integrity import check_database

def test_dbg(make_shop):
    shops = []
    orig = make_shop
    def mk():
        s = orig(); shops.append(s); return s
    base(mk)
    for till in (shops[0].a, shops[0].b):
        with till.store.read() as session:
            print("CHECK", check_database(session))
    assert 0
