"""A stand-in for `parver`, which every Python SDK that `pulumi package gen-sdk` generates imports (its
_utilities.py turns the installed distribution's PEP 440 version into the semver string sent to the engine) and
which Debian does not package. It is `packaging.version.Version` (Debian's python3-packaging) under parver's
attribute names, for exactly what the generated code reads: release, pre_tag, pre, dev, local.

Used by test/engine/python-consumer.test.ts only; never part of the package.
"""

from packaging.version import Version as _Packaging

__all__ = ["Version"]


class Version:
    def __init__(self, parsed: _Packaging):
        self._v = parsed
        release = tuple(parsed.release) + (0, 0, 0)
        self.release = release[:3] if len(parsed.release) < 3 else tuple(parsed.release)
        self.pre_tag = parsed.pre[0] if parsed.pre else None
        self.pre = parsed.pre[1] if parsed.pre else None
        self.dev = parsed.dev
        self.local = parsed.local

    @classmethod
    def parse(cls, version: str, strict: bool = False) -> "Version":
        return cls(_Packaging(version))

    def __str__(self) -> str:
        return str(self._v)
