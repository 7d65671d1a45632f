"""IPython front end: ``%load_ext faas_jupyter`` registers ``%faas`` and ``%%faas``."""


def load_ipython_extension(ipython):
    from faas_jupyter.magics.core import FaasMagics
    ipython.register_magics(FaasMagics)
