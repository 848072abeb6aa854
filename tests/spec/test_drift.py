import json

from harness.spectools import diff, drift

from .helpers import COMMITTED, LIVE, get_op, make_spec, obj, ref


def test_drift_is_the_diff_from_committed_to_live():
    committed = make_spec(
        {"S": obj(["a", "b"], a={"type": "string"}, b={"type": "string"})}, get_op(ref("S"), method="get")
    )
    live = make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S"), method="get"))
    [c] = drift(live, committed)
    assert (c.rule, c.impact.value) == ("response-required-property-removed", "breaking")
    assert [x.to_dict() for x in drift(live, committed)] == [x.to_dict() for x in diff(committed, live)]


def test_drift_of_the_real_live_ogx_spec_against_the_committed_one():
    live = json.loads(LIVE.read_text())
    changes = drift(live, COMMITTED)
    found = {c.rule for c in changes}
    # the live app's responses point at components it does not define; the committed spec defines them
    assert "response-unresolvable" in found
    unresolvable = [c for c in changes if c.rule == "response-unresolvable"]
    assert {c.pointer for c in unresolvable} == {
        f"/components/responses/{n}"
        for n in ("BadRequest400", "TooManyRequests429", "InternalServerError500", "DefaultError")
    }
