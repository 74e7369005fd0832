"""Recording-condition augmentation: shapes, determinism, and that each part changes what it should."""
import unittest

import numpy as np

from training.auscult_train import augment


def tone_mix(n=20000, sr=8000):
    t = np.arange(n) / sr
    return (np.sin(2 * np.pi * 150 * t) + np.sin(2 * np.pi * 1200 * t)).astype(np.float32)


class RecordingConditions(unittest.TestCase):
    def test_shapes_dtype_and_determinism(self):
        x = np.stack([tone_mix(), tone_mix() * 0.5])
        bg = np.random.default_rng(0).standard_normal((4, 20000)).astype(np.float32)
        a = augment.recording_conditions(x, bg, np.random.default_rng(1))
        b = augment.recording_conditions(x, bg, np.random.default_rng(1))
        self.assertEqual(a.shape, x.shape)
        self.assertEqual(a.dtype, np.float32)
        self.assertTrue(np.isfinite(a).all())
        np.testing.assert_array_equal(a, b)

    def test_device_response_changes_the_balance_of_low_and_high(self):
        x = np.stack([tone_mix()] * 32)
        y = augment.apply_device(x, np.random.default_rng(2))
        spec = np.abs(np.fft.rfft(y, axis=1))
        f = np.fft.rfftfreq(20000, 1 / 8000)
        lo, hi = spec[:, np.argmin(abs(f - 150))], spec[:, np.argmin(abs(f - 1200))]
        ratio_db = 20 * np.log10(hi / lo)
        self.assertGreater(ratio_db.std(), 2.0, "random devices tilt the spectrum differently")
        self.assertLess(np.abs(ratio_db).max(), 60.0, "but keep both tones audible")

    def test_device_gain_is_smooth_and_bounded_without_band_limits(self):
        rng = np.random.default_rng(3)
        f = np.linspace(60, 3000, 500)
        for _ in range(20):
            g = augment.device_gain(f, rng)
            db = 20 * np.log10(g)
            self.assertTrue(np.isfinite(db).all())
            self.assertLess(np.abs(np.diff(db)).max(), 3.0, "no steps between neighbouring frequencies")

    def test_background_is_added_at_the_drawn_snr(self):
        x = np.ones((200, 1000), np.float32)
        bg = np.full((1, 1000), 2.0, np.float32)
        y = augment.add_background(x, bg, np.random.default_rng(4))
        changed = (y != x).any(1)
        self.assertTrue(0.35 < changed.mean() < 0.65, changed.mean())
        snr = 20 * np.log10(1.0 / (y[changed] - x[changed]).mean(1))
        self.assertTrue(((snr >= augment.BACKGROUND_SNR_DB[0] - 1e-3) & (snr <= augment.BACKGROUND_SNR_DB[1] + 1e-3)).all())

    def test_stretch_moves_a_tone_by_the_factor(self):
        x = np.stack([tone_mix()] * 40)
        y = augment.stretch(x, np.random.default_rng(5))
        f = np.fft.rfftfreq(20000, 1 / 8000)
        peaks = f[np.abs(np.fft.rfft(y, axis=1))[:, f > 800].argmax(1) + np.argmax(f > 800)]
        ratios = peaks / 1200
        self.assertTrue(((ratios > augment.STRETCH[0] - 0.01) & (ratios < augment.STRETCH[1] + 0.01)).all(), ratios)
        self.assertGreater(np.sum(np.abs(ratios - 1) > 0.005), 5, "some clips are stretched")


if __name__ == "__main__":
    unittest.main()


class DetectorRecordingConditions(unittest.TestCase):
    """train_detector.RecordingSampler.recording_conditions: the same conditions on cached log power [F, T]."""

    def sampler(self, bg_len):
        from training.auscult_train.train_detector import RecordingSampler

        class Cache:
            def spec(self, base):
                return np.zeros((63, bg_len), np.float16)   # log power 0: power 1 in every bin

        s = object.__new__(RecordingSampler)   # only what recording_conditions reads
        s.rng, s.cache, s.bases = np.random.default_rng(6), Cache(), ["a", "b"]
        s.bin_hz = np.arange(2, 65) * 8000 / 256
        return s

    def test_a_device_response_per_bin_and_a_background_below_the_clip(self):
        for bg_len in (40, 500):   # a background shorter than the crop is tiled
            s = self.sampler(bg_len)
            offsets = []
            for _ in range(20):
                x = np.zeros((63, 120), np.float32)
                y = s.recording_conditions(x)
                self.assertEqual(y.shape, x.shape)
                self.assertEqual(y.dtype, np.float32)
                self.assertTrue(np.isfinite(y).all())
                np.testing.assert_allclose(y, y[:, :1].repeat(120, 1), atol=1e-5)   # one response for the whole crop
                offsets.append(y[:, 0])
            offsets = np.array(offsets)
            self.assertGreater(np.std(offsets[:, -1] - offsets[:, 0]), 0.2, "devices tilt the bins differently")

    def test_the_background_is_added_at_the_drawn_snr_in_power(self):
        from unittest import mock
        s = self.sampler(500)
        lo, hi = np.log1p(10 ** (-augment.BACKGROUND_SNR_DB[1] / 10)), np.log1p(10 ** (-augment.BACKGROUND_SNR_DB[0] / 10))
        with mock.patch("training.auscult_train.train_detector.device_gain", lambda f, rng: np.ones_like(f)):
            added = [float(s.recording_conditions(np.zeros((63, 120), np.float32)).mean()) for _ in range(200)]
        added = np.array(added)
        with_bg = added > 1e-6
        self.assertTrue(0.35 < with_bg.mean() < 0.65, with_bg.mean())
        self.assertTrue(((added[with_bg] >= lo - 1e-5) & (added[with_bg] <= hi + 1e-5)).all(), (added.min(), added.max()))
