# pycnb GIS build image: the build image plus what the GIS run image adds (GeoDjango's settings load
# GDAL and GEOS at build time too), and the GIS run image's record for pycnb/apt.
ARG BUILD_BASE=pycnb/build:trixie
ARG RUN_IMAGE=pycnb/run:trixie-gis
FROM ${RUN_IMAGE} AS run

FROM ${BUILD_BASE}

ARG CNB_USER_ID=1001
ARG CNB_GROUP_ID=1001

USER root
COPY gis-packages.txt /tmp/gis-packages.txt
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends $(grep -v '^#' /tmp/gis-packages.txt); \
    apt-get clean; \
    rm -rf /tmp/gis-packages.txt /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old

LABEL io.buildpacks.base.description="pycnb GIS build image: Debian 13 with python3, compilers, headers, and GDAL, GEOS and PROJ"

COPY --from=run /var/lib/dpkg/status /usr/share/pycnb/run-image/dpkg-status
COPY --from=run /var/lib/dpkg/info/libc6:amd64.list /usr/share/pycnb/run-image/libc6.list

USER ${CNB_USER_ID}:${CNB_GROUP_ID}
