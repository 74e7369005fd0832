"""Where the datasets are: one folder (``AUSCULT_DATA``, default ``../shared/data`` from the repo root)
holds every dataset the training code and its tests read, each in its own sub-folder.

A missing dataset is reported by ``Dataset.require()`` with what it is, where it was looked for and
how to point the code at it; the tests (training/tests/support.py) report the same message.
"""
import os
from dataclasses import dataclass

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_ENV = "AUSCULT_DATA"
DEFAULT_DATA_ROOT = os.path.join(REPO_ROOT, "..", "shared", "data")


def data_root():
    """The folder that holds the datasets: $AUSCULT_DATA, else ../shared/data from the repo root."""
    return os.path.abspath(os.environ.get(DATA_ENV) or DEFAULT_DATA_ROOT)


@dataclass(frozen=True)
class Dataset:
    name: str         # what it is, for messages
    source: str       # where it comes from, for messages
    folder: str       # its sub-folder of the data root
    marker: str = ""  # a path inside it that a complete copy has ("": the folder itself)

    @property
    def path(self):
        return os.path.join(data_root(), self.folder)

    def missing(self, path=None):
        """None when the dataset is at ``path`` (default: under the data root), else why not."""
        path = os.path.abspath(path or self.path)
        if os.path.exists(os.path.join(path, self.marker)):
            return None
        if path == os.path.abspath(self.path):
            fix = f"set {DATA_ENV} to the folder that holds {self.folder}/"
            return f"{self.name} not found at {path} — {self.source}; {fix}"
        inside = f" (no {self.marker} in it)" if self.marker else ""
        return f"{self.name} not found at {path}{inside} — {self.source}"

    def require(self, path=None):
        """Raises FileNotFoundError with ``missing()``'s message when the dataset is not there."""
        why = self.missing(path)
        if why:
            raise FileNotFoundError(why)
        return os.path.abspath(path or self.path)


SPRSOUND_SOURCE = "SPRSound, Zhang Q. et al., IEEE TBioCAS 16(5):867-881, 2022, doi:10.1109/TBCAS.2022.3204910"
PASCAL_SOURCE = 'PASCAL Classifying Heart Sounds Challenge 2011, Bentley P. et al., Kaggle "heartbeat-sounds"'

SPRSOUND = Dataset("SPRSound 2022 training release", SPRSOUND_SOURCE, "sprsound-2022-train", "json")
SPRSOUND_ORIGINAL_WAV = Dataset("SPRSound original WAV files (original-wav/)", SPRSOUND_SOURCE,
                                os.path.join("sprsound-2022-train", "original-wav"))
HEART_SOUNDS = Dataset("PASCAL heart sounds (heartbeat-sounds/, FLAC)", PASCAL_SOURCE, "heartbeat-sounds", "normal")
HEART_ORIGINAL_WAV = Dataset("PASCAL heart-sound original WAV files", PASCAL_SOURCE, "heartbeat-sounds-original-wav")
CIRCOR_SOURCE = ("CirCor DigiScope 2022, Oliveira J. et al., IEEE JBHI 26(6):2524-2535, 2022, "
                 "doi:10.1109/JBHI.2021.3137048")
CIRCOR = Dataset("CirCor DigiScope 2022 (circor-2022/: audio/*.flac, patients/*.txt)", CIRCOR_SOURCE,
                 "circor-2022", "patients")
