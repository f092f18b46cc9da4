"""pycnb's Apt buildpack: Debian packages from an Aptfile or the build plan, unpacked into a layer without root."""
