"""What the tests need from outside the repository, and one way to say it is missing.

``@requires(SPRSOUND, NODE_ORT, ...)`` on a TestCase class: when something is missing, every test of
the class FAILS with a message naming it, where it was looked for and where it comes from; with
AUSCULT_SKIP_MISSING_DATA=1 in the environment they are skipped instead (the documented opt-out,
for machines that cannot have the data).
"""
import json
import os
import shutil
import unittest
from dataclasses import dataclass
from typing import Callable

from training.auscult_train import datasets

SKIP_ENV = "AUSCULT_SKIP_MISSING_DATA"


@dataclass(frozen=True)
class Requirement:
    missing: Callable[[], str]   # "" when present, else what is missing and how to get it


def dataset(ds):
    return Requirement(lambda: ds.missing() or "")


def _node_package(package):
    def missing():
        if not shutil.which("node"):
            return "node not found on PATH (install Node.js, then run `npm ci` at the repository root)"
        if not os.path.isdir(os.path.join(datasets.REPO_ROOT, "node_modules", package)):
            return f"node_modules/{package} not found (run `npm ci` at the repository root)"
        return ""
    return Requirement(missing)


SPRSOUND = dataset(datasets.SPRSOUND)
HEART_SOUNDS = dataset(datasets.HEART_SOUNDS)
HEART_ORIGINAL_WAV = dataset(datasets.HEART_ORIGINAL_WAV)
CIRCOR = dataset(datasets.CIRCOR)
NODE_ORT = _node_package("onnxruntime-web")   # training/onnx_run.mjs
NODE_TSX = _node_package("tsx")               # training/heart_ts_resample.ts


def missing(*needs):
    """The messages of the requirements that are not met, one a line; "" when all are."""
    return "\n".join(m for m in (need.missing() for need in needs) if m)


def requires(*needs):
    """Class decorator: the class's tests fail (or, with AUSCULT_SKIP_MISSING_DATA=1, are skipped)
    when any of ``needs`` is missing; its setUpClass / tearDownClass then do not run."""
    def decorate(cls):
        set_up_class, tear_down_class, set_up = cls.setUpClass, cls.tearDownClass, cls.setUp

        def setUpClass(klass):
            klass._missing = missing(*needs)
            if klass._missing and os.environ.get(SKIP_ENV) == "1":
                raise unittest.SkipTest(klass._missing)
            if not klass._missing:
                set_up_class.__func__(klass)

        def tearDownClass(klass):
            if not klass._missing:
                tear_down_class.__func__(klass)

        def setUp(self):
            if self._missing:
                self.fail(f"{self._missing}\n(set {SKIP_ENV}=1 to skip the tests that need it)")
            set_up(self)

        cls.setUpClass = classmethod(setUpClass)
        cls.tearDownClass = classmethod(tearDownClass)
        cls.setUp = setUp
        return cls
    return decorate


def shared_fixture(name):
    """A fixture of test-fixtures/golden/ that the TypeScript twin is tested on too (parsed JSON)."""
    with open(os.path.join(datasets.REPO_ROOT, "test-fixtures", "golden", name)) as f:
        return json.load(f)
