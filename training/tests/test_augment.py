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
