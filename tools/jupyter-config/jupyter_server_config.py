"""The course's own server settings, loaded by `make lab` and `make teach` (this directory is put first on
JUPYTER_CONFIG_PATH; the user's ~/.jupyter is not touched).

Custom CSS: JupyterLab 4 links ``/custom/custom.css`` into its page when ``LabApp.custom_css`` is on, and serves it
from the server's ``static_custom_path`` web setting, which by default is only ``<JUPYTER_CONFIG_DIR>/custom`` (the
user's ~/.jupyter/custom) — a directory on JUPYTER_CONFIG_PATH is not searched. ``ServerApp.tornado_settings`` is
merged into the web settings, so this file puts the course's ``custom/`` first (the user's own ``custom/`` stays
after it). The stylesheet: custom/custom.css (figures on a neutral frame in the dark theme; docs/design.md §6).
"""

import os

from jupyter_core.paths import jupyter_config_dir

_HERE = os.path.dirname(os.path.abspath(__file__))  # noqa: F821 — traitlets runs this file with __file__ and c set

c.LabApp.custom_css = True  # noqa: F821
c.ServerApp.tornado_settings.update(  # noqa: F821
    {"static_custom_path": [os.path.join(_HERE, "custom"), os.path.join(jupyter_config_dir(), "custom")]})
