"""Every pytest run in this repository — unit tests, nbval of solutions/ and notebooks/ — switches the learner's
library off (``NN_COURSE_NO_LIBRARY``, see utils/my_library): the kernels nbval starts inherit it, so a run never
writes ``my_nn/`` into the repository and stored outputs never depend on a library someone has on their machine."""

import os

os.environ["NN_COURSE_NO_LIBRARY"] = "1"
