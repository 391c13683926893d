"""The till application: services over the local store, the window, the command line."""

import os

# The analytics' NumPy must not start a BLAS thread per core: on a two-core till those threads spin beside the
# window and the database worker (a model fit ran forty times slower). Set before NumPy is first imported;
# an operator's own setting wins.
for _blas in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")
