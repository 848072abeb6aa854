"""Property-based contract tests generated from the live spec of the stack under test.

One subtest per operation (positive and negative data) and per resource family (the create → get →
list → delete → get chain). Budget and seed: --property-examples, --property-seed; narrow with
--property-operations. Operations that call a model need --inference-mode=synthetic (they are skipped,
saying so, otherwise). A subtest whose findings are all declared in suites/deviations.yaml is an
expected failure (xfail, with the reasons); any other finding fails it."""


def test_positive_data(generated, subtests):
    """Schema-valid requests: every response matches the spec (status, content type, body, SSE)."""
    for key in generated.operations():
        with subtests.test(msg=f"positive {key}"):
            generated.positive(key)


def test_negative_data(generated, subtests):
    """Schema-violating requests: rejected with a 4xx in the declared error format, never a 5xx."""
    for key in generated.operations():
        with subtests.test(msg=f"negative {key}"):
            generated.negative(key)


def test_resource_lifecycles(generated, subtests):
    """Create → get → list → delete → get for each resource family, as a hypothesis state machine."""
    for family in generated.families():
        with subtests.test(msg=f"stateful {family.name}"):
            generated.lifecycle(family)
