"""Grading a class (``python -m utils.grade``): which exercises each lesson has (``lessons``), running one notebook
in a sandbox (``sandbox``, ``runner``) and the teacher's report (``report``)."""
