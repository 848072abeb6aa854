"""Requests generated from the reference spec (--reference, default openai) for the routes the app claims to
serve: each is accepted, or refused in the reference's error format, never answered with a 5xx."""


def test_reference_positive_data(reference_generated, subtests):
    """Requests valid under the reference's request schemas (e.g. OpenAI's CreateResponse)."""
    for key in reference_generated.operations():
        with subtests.test(msg=f"reference positive {key}"):
            reference_generated.positive(key)
