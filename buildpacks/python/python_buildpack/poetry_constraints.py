"""Poetry's version constraints (`^3.11`, `~3.13`, `>=3.11,<4 || 3.10.*`) as PEP 440 specifier sets.

Shared by the Poetry reader (requires-poetry, the project's Python) and python_version.py, which
takes `[tool.poetry.dependencies] python` as a source of the Python version.
"""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# Poetry's version constraints (poetry-core's parse_constraint): `||` between alternatives, `,` or spaces
# between the parts of one, each part `*`, `^1.2`, `~1.2`, `~=1.2`, `1.2.*`, `>=1.2`, `==1.2`, `!=1.2` or a bare `1.2`.
_OPERATOR = re.compile(r"^(===|==|!=|~=|>=|<=|>|<|=|\^|~)?\s*(.*)$")


def poetry_constraint(text: str) -> list[SpecifierSet]:
    """The PEP 440 specifier sets of a Poetry constraint, any of which allows a version; ValueError if it is not one."""
    alternatives = []
    for alternative in re.split(r"\s*\|\|?\s*", text.strip()):
        # Join an operator to its version (`>= 2.0`), then split the parts at commas and spaces.
        joined = re.sub(r"(===|==|!=|~=|>=|<=|>|<|=|\^|~)\s+", r"\1", alternative)
        parts = [part for part in re.split(r"[\s,]+", joined) if part]
        if not parts or joined.startswith(","):
            raise ValueError(f"{text!r} has an empty constraint")
        specifiers = [specifier for part in parts for specifier in _poetry_part(part)]
        try:
            alternatives.append(SpecifierSet(",".join(specifiers)))
        except InvalidSpecifier as error:
            raise ValueError(str(error)) from None
    return alternatives


def _poetry_part(part: str) -> list[str]:
    if part in ("*", "x", "X"):
        return []
    match = _OPERATOR.match(part)  # every text matches: the operator is optional
    operator, version = match.group(1) or "", match.group(2)
    if version.endswith(".*"):
        release = _release(version[:-2])
        if operator in (">=", "<=", ">", "<"):  # poetry-core reads `>=2.*` as `>=2`
            return [f"{operator}{_join(release)}"]
        if operator not in ("", "==", "!=", "="):
            raise ValueError(f"{part!r}: a wildcard goes with ==, != or a comparison")
        return [f"{'!=' if operator == '!=' else '=='}{_join(release)}.*"]
    release = _release(version)
    if operator == "^":
        index = next((i for i, number in enumerate(release) if number != 0), len(release) - 1)
        return [f">={version}", f"<{_join([*release[:index], release[index] + 1])}"]
    if operator == "~" or (operator == "~=" and len(release) == 1):
        upper = [release[0] + 1] if len(release) == 1 else [release[0], release[1] + 1]
        return [f">={version}", f"<{_join(upper)}"]
    if operator in ("", "="):
        return [f"=={version}"]
    return [f"{operator}{version}"]


def _release(version: str) -> list[int]:
    """The release numbers of a version (`2.5.1` → [2, 5, 1]); ValueError if it is not one."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise ValueError(f"{version!r} is not a version") from None
    return list(parsed.release)


def _join(release: list[int]) -> str:
    return ".".join(str(number) for number in release)
