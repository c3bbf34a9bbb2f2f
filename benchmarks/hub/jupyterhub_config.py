"""JupyterHub for `make bench-hub`: everything on 127.0.0.1, learners are local processes of this user.

benchmarks/bench_hub.py starts `jupyterhub -f` this file with BENCH_HUB_* variables set. Not a production setup:
DummyAuthenticator lets anyone in (use your school's OAuth/LTI login on a real hub, see docs/hub.md).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (defined by JupyterHub's config loader)
run = Path(os.environ["BENCH_HUB_RUN"])
venv_bin = Path(sys.executable).parent

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["BENCH_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BENCH_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['BENCH_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["BENCH_HUB_PROXY"]]
c.JupyterHub.db_url = f"sqlite:///{run / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(run / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(run / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True

# each learner: a jupyterhub-singleuser (Jupyter Server + JupyterLab) of the course's stack, home in the run folder
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(run / "home" / "{username}")
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.args = ["--ServerApp.ip=127.0.0.1"] + (["--allow-root"] if os.getuid() == 0 else [])
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# the course as nbgitpuller pulls it into each home is found through PYTHONPATH, as docs/hub.md tells a hub to do
# (the image's own editable install points at a copy a home volume hides), and one BLAS thread per learner, as
# docs/hub.md recommends (OpenBLAS would start one thread per core of the machine in every learner's kernel)
c.Spawner.environment = {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
                         "PYTHONPATH": lambda spawner: str(run / "home" / spawner.user.name / "nn-from-scratch"),
                         "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}

# the benchmark's own API token (a service with the admin role): creates learner tokens, stops servers
c.JupyterHub.services = [{"name": "bench", "api_token": os.environ["BENCH_HUB_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["bench"]}]
