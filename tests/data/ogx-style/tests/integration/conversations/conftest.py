# Stands where OGX's tests/integration/conftest.py stands. The harness's OGX layer replaces it: importing
# it is a bug the tests must see.
raise RuntimeError("OGX's a sub-directory conftest was imported; the compatibility layer should replace it")
