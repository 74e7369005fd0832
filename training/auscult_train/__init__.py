"""Auscult training code: the respiratory-event classifiers, the event detector and the heart-sound
classifier that the in-browser app runs as ONNX. Index of the modules: training/README.md."""
