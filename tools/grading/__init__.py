"""Grading a class (``python -m tools.grade``): which exercises each lesson has (``lessons``), running one notebook
in a sandbox (``sandbox``, ``runner``) and the teacher's report (``report``)."""
