"""The course's machinery for maintainers and teachers — never imported by a lesson (docs/design.md §0).

- ``build``: generate ``notebooks/`` from ``solutions/`` and re-execute lessons (``make notebooks``).
- ``work``: a learner's own copy of the lessons in ``work/`` (``make work``).
- ``slides``: a lesson as offline reveal.js slides (``make slides``).
- ``screenshots``: every figure and widget image at 2x pixels (``make screenshots``).
- ``grade`` and ``grading``: grading a class in a sandbox (``make grade``).
- ``nbgrader_export``: the course as an nbgrader course (``make nbgrader``).
"""
