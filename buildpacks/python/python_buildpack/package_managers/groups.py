"""Which optional dependency groups reach the image: none unless the build names them.

Dev groups never do by default (uv's `dev` and `tool.uv.default-groups`, Poetry's non-main groups,
Pipenv's `develop`). `BP_PYTHON_INSTALL_GROUPS=docs,metrics` adds those groups, for the tools that have groups.
"""

from __future__ import annotations

import re

from .. import messages

ENV_VAR = "BP_PYTHON_INSTALL_GROUPS"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def selected(env: dict[str, str]) -> tuple[str, ...]:
    """The group names in ENV_VAR, in order, each once; an error names an invalid one."""
    names: list[str] = []
    for name in (part.strip() for part in env.get(ENV_VAR, "").split(",")):
        if not name:
            continue
        if not _NAME.match(name):
            raise messages.invalid_group_name(ENV_VAR, name)
        if name not in names:
            names.append(name)
    return tuple(names)
