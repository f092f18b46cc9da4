# pycnb GIS run image: the run image plus the libraries GeoDjango loads (GDAL, GEOS, PROJ), installed
# as Debian installs them, so the dynamic linker's cache finds them and `find_library` needs nothing.
# An app built on it has no apt layer to carry, and `pack rebase` updates the libraries with the image.
ARG RUN_BASE=pycnb/run:trixie
FROM ${RUN_BASE}

ARG CNB_USER_ID=1000
ARG CNB_GROUP_ID=1000

USER root
COPY gis-packages.txt /tmp/gis-packages.txt
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends $(grep -v '^#' /tmp/gis-packages.txt); \
    apt-get clean; \
    rm -rf /tmp/gis-packages.txt /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old

LABEL io.buildpacks.base.description="pycnb GIS run image: Debian 13 with the runtime libraries Django apps load, and GDAL, GEOS and PROJ" \
      io.buildpacks.base.id="pycnb/run:trixie-gis"

USER ${CNB_USER_ID}:${CNB_GROUP_ID}
