"""A user type and its packager, importable by worker processes (tests put this folder on sys.path)."""
from faas_jupyter.packagers.api import ArtifactType, DefaultPackager


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


class PointPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Point
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.RESULT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.RESULT

    def pack_result(self, obj, key):
        return {key: [obj.x, obj.y]}

    def unpack_result(self, data_item):
        return Point(*data_item.value)
