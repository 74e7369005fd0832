"""The one feature front end (features.py) for each model family: numpy reference, bins, the shipped
manifest's feature blocks, silent input, and cropping (what the detector's cached training relies on).

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_features -v   (no data needed)
"""
import json
import os
import unittest

import numpy as np
import torch

from training.auscult_train import data
from training.auscult_train import heart_data as hd
from training.auscult_train.features import (DETECTOR_FEATURES, EVENT_FEATURES, FREQUENCY_THEN_TIME, HEART_FEATURES,
                                             LOG_EPS, Features, num_frames)

FAMILIES = {"respiratory-event": EVENT_FEATURES, "respiratory-detector": DETECTOR_FEATURES, "heart": HEART_FEATURES}
MANIFEST = os.path.join(data.REPO_ROOT, "public", "models", "manifest.json")


def numpy_features(x, spec, bins):
    """float64 reference: framed periodic-Hann DFT of the kept bins, log power, per-clip normalisation."""
    n = np.arange(spec.n_fft)
    win = 0.5 - 0.5 * np.cos(2 * np.pi * n / spec.n_fft)
    frames = np.stack([x[t * spec.hop:t * spec.hop + spec.n_fft] * win for t in range(num_frames(len(x), spec))])
    power = np.abs(np.fft.rfft(frames.astype(np.float64), axis=1)[:, bins]) ** 2
    log = np.log(power + LOG_EPS).T                                   # [F, T]
    return (log - log.mean()) / (log.std() + spec.norm_eps)


class FeaturesTest(unittest.TestCase):
    def test_matches_numpy_for_each_family(self):
        rng = np.random.default_rng(0)
        for name, spec in FAMILIES.items():
            f = Features(spec)
            x = rng.standard_normal(3 * spec.sample_rate).astype(np.float32) * 0.1
            with torch.no_grad():
                got = f(torch.from_numpy(x)[None])[0, 0].numpy()
            ref = numpy_features(x, spec, f.bins)
            self.assertEqual(got.shape, ref.shape, name)
            self.assertLess(float(np.abs(got - ref).max()), 1e-3, name)

    def test_bins(self):
        self.assertEqual(Features(EVENT_FEATURES).bins, list(range(2, 42)))     # 62.5-1281 Hz at 31.25 Hz
        self.assertEqual(Features(DETECTOR_FEATURES).bins, list(range(2, 65)))  # 62.5-2000 Hz
        self.assertEqual(Features(HEART_FEATURES).bins, list(range(2, 65)))     # 31.25-1000 Hz at 15.6 Hz
        self.assertEqual(num_frames(data.CLIP, EVENT_FEATURES), 309)
        self.assertEqual(num_frames(hd.WINDOW, HEART_FEATURES), 294)

    def test_describe_is_the_shipped_manifest_feature_block(self):
        with open(MANIFEST) as f:
            models = json.load(f)["models"]
        self.assertEqual({m["task"] for m in models}, set(FAMILIES))
        for m in models:
            expected = dict(m["feature"])
            if m["task"] == "heart":
                self.assertEqual(expected.pop("sampleRate"), HEART_FEATURES.sample_rate)
            self.assertEqual(Features(FAMILIES[m["task"]]).describe(), expected, m["id"])

    def test_silent_heart_window_gives_near_zero_features(self):
        x = np.random.default_rng(1).standard_normal(hd.WINDOW).astype(np.float32) * 7e-7
        with torch.no_grad():
            got = Features(HEART_FEATURES)(torch.from_numpy(x)[None])
        self.assertLess(float(got.abs().max()), 0.01)

    def test_normalising_a_cropped_spectrum_is_the_features_of_the_cropped_waveform(self):
        f = Features(DETECTOR_FEATURES)
        self.assertEqual(f.spec.normalisation, FREQUENCY_THEN_TIME)
        x = torch.from_numpy(np.random.default_rng(2).standard_normal((2, 20000)).astype(np.float32) * 0.1)
        off, frames = 12, 200
        hop, n_fft = DETECTOR_FEATURES.hop, DETECTOR_FEATURES.n_fft
        with torch.no_grad():
            cropped = f.normalise(f.spectrum(x)[:, :, off:off + frames])
            direct = f(x[:, off * hop:off * hop + (frames - 1) * hop + n_fft])
        np.testing.assert_allclose(cropped.numpy(), direct.numpy(), atol=1e-5)


if __name__ == "__main__":
    unittest.main()
