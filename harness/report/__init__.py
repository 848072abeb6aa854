"""The results of a run as data (``results.py``: the results file and its JSON schema), and its views:
Markdown for one run (``markdown.py``), one static HTML page for any number of runs (``html.py``).
Imports only ``core``: the plugin writes results, the CLI merges them, neither is needed to read them."""
