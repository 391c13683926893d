from tests.sync.test_expiry_owner import *  # noqa
from tests.sync.test_expiry_owner import _member, _run, _central_entries, _expected_balance

def test_dbg(make_shop):
    shop = make_shop()
    member = _member(shop)
    sales = {"a": [], "b": []}
    for step in [('earn', 'a', 37), ('pull', 'a'), ('sweep',), ('late_redeem', 'a', 116), ('advance', 130), ('pull', 'b')]:
        _run(shop, step, member, sales)
    shop.quiet()
    sweep(shop.central.engine, shop.clock.now)
    shop.quiet()
    for e in _central_entries(shop.central, member):
        print("ENTRY", e["id"][-8:], e["kind"], e["points"], e["created_at"], e["expires_at"], e["channel"], e["details"], (e["reverses_id"] or "")[-8:])
    print("MODEL", _expected_balance(_central_entries(shop.central, member), shop.clock.now))
    assert 0
