"""Synthetic stand-in for autograd's examples/data_mnist.py (no download):
random uint8 images and labels with MNIST's shapes (fewer of them)."""
import numpy as np

N_TRAIN, N_TEST = 1000, 200


def mnist():
    rs = np.random.RandomState(0)
    train_images = rs.randint(0, 256, size=(N_TRAIN, 28, 28)).astype(np.uint8)
    train_labels = rs.randint(0, 10, size=N_TRAIN).astype(np.uint8)
    test_images = rs.randint(0, 256, size=(N_TEST, 28, 28)).astype(np.uint8)
    test_labels = rs.randint(0, 10, size=N_TEST).astype(np.uint8)
    return train_images, train_labels, test_images, test_labels


def download(url, filename):
    raise RuntimeError("the outside harness never downloads data")
