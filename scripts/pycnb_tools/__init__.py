"""pycnb's tooling: builds the engine, toolchain, stacks, runtimes, buildpacks and builder."""
