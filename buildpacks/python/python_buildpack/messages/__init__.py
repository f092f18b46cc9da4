"""Every message the Python buildpack shows a user, one module per kind; `messages.<name>` reaches each.

errors: what stops the build; warnings: what the build goes on with; summary: the build summary's and
the log's descriptions of what was chosen; common: what they share. What a tool's failed output says
went wrong is worked out beside the code that runs the tool (pip_diagnosis.py, beside package_index.py).
"""

from .common import *  # noqa: F403
from .errors import *  # noqa: F403
from .summary import *  # noqa: F403
from .warnings import *  # noqa: F403
