"""Property-based contract tests generated from the app's live spec (the suite is ``suites/contract``).

    pytest suites/contract --stack-config=replay --inference-mode=synthetic [--property-examples=10]
           [--property-seed=0|random] [--property-operations='POST /v1/conversations,GET /v1/files*']

Fixture ``generated`` (function scope) runs generated requests for the test that uses it:

    generated.operations()        the selected operations of the live spec ("METHOD /path")
    generated.positive(key)       schema-valid requests; every response through the contract checks
    generated.negative(key)       schema-violating requests: a 4xx in the declared format, never a 5xx
    generated.families()          resource families (resource_families(spec)) to chain
    generated.lifecycle(family)   create → get → list → delete → get, as a hypothesis state machine

Each call fails (or skips, saying why) the current test or subtest; a failure shows each blocking finding
at the minimal example hypothesis found, with the pytest command that replays exactly that example. A
run whose only error-severity findings are declared deviations is an expected failure (xfail) naming
each with its reason; hypothesis is never asked to shrink a declared finding.
Each distinct finding (at its minimal example) goes to the plugin's contract run, so the run's
report holds every finding. Registered from ``harness.plugin`` (``pytest_plugins``); heavy imports
(schemathesis, hypothesis) happen only when a test asks for ``generated``."""
