"""Trellis: the people side of a personalized-learning initiative."""

import os

# numpy's linear algebra (the survey suppression audit) runs one thread per process: a web
# server already runs a process per core, and threads fighting over the cores make an SVD ten
# times slower. Set before numpy is first imported; an operator's own setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
