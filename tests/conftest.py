"""The harness's own tests. ``pytester`` runs real pytest sessions with the plugin loaded."""

pytest_plugins = ["pytester"]
