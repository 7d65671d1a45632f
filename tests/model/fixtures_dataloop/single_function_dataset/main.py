import logging

import dtlpy as dl

logger = logging.getLogger(name='dtlpy')


class ServiceRunner(dl.BaseServiceRunner):
    """
    Package runner class

    """

    def __init__(self):
        """
        Init package attributes here

        :return:
        """

    def run(self, dataset, progress=None):
        """
        Write your main package service here

        :param progress: Use this to update the progress of your package
        :return:
        """
        assert isinstance(progress, dl.Progress)
        progress.update(status='inProgress', progress=0)

if __name__ == "__main__":
    dl.packages.test_local_package()
