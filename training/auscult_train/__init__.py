"""Auscult training code: respiratory-event classifiers for the in-browser app.

Modules: features (the one feature definition), data (SPRSound reading, event
extraction, patient split), models (ResNet-18 / VGG-16), metrics (SPRSound
challenge scores), train, evaluate, export (ONNX + manifest + golden file).
"""
