"""The Cloud Native Buildpacks contract, shared by every pycnb buildpack.

Vendored into each buildpack at packaging time (pack stores symlinks as links, so a
buildpack must carry its own copy). Standard library plus the vendored `tomli_w` only.
"""
