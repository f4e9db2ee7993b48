"""What the Pulumi Python SDK (3.248) needs of Debian 12's Python packages and does not find as is.

- semver: Debian packages 2.10, whose class is `VersionInfo`; the SDK (`semver~=3.0`) imports it under its 3.x
  name `Version` (pulumi/runtime/rpc.py). The methods it calls (`parse`, comparisons) are the same in both, so
  `Version` is given as another name of `VersionInfo` when the module is first imported.

Imported at interpreter start by the `.pth` file test/engine/python-consumer.test.ts writes into its virtualenv,
before the system's site-packages are on sys.path: hence a finder that waits for the import of semver.
"""

import importlib.abc
import importlib.machinery
import sys


class _SemverVersion(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name != "semver":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        if not hasattr(module, "Version"):
            module.Version = module.VersionInfo


sys.meta_path.insert(0, _SemverVersion())
