#!/usr/bin/env python3
"""Peer side of nnlab's release benchmark (run by `nnlab-bench` as a subprocess).

Measures, on one CPU thread, what a student would otherwise use for the MNIST lab:

1. a vectorised numpy MLP 784-128-64-10 (ReLU, softmax cross-entropy, SGD with
   PyTorch-style momentum, batch 64, PyTorch-default init);
2. PyTorch, if installed: the same MLP on preloaded tensors, the "notebook" way
   with Dataset/DataLoader and a per-sample transform, the `import torch` time
   and the peak RSS of training;
3. numpy kNN (L2, raw 0-255 pixels) with k=1 (timed) and k=3 (same distances);
4. with --wide / --fashion DIR: the numpy MLP 784-512-10 on MNIST, and the lab
   MLP on Fashion-MNIST (the IDX files in DIR);
5. with --lab, PyTorch installed: every cell of labs/lab1-mnist.nnl (the lab and
   all its exercises) done the notebook way (Dataset + DataLoader with a
   per-sample transform), wall time from loading the data to the saved model
   loaded back; the plots are left out (no drawing library is assumed).

Usage:
    python3 scripts/peer_bench.py --data DIR [--epochs 2] [--accuracy-epochs 5]
                                  [--knn-test 10000] [--skip-torch] [--skip-knn]
                                  [--wide] [--fashion DIR] [--lab]

Progress goes to stderr; the last line of stdout is ONE JSON object whose keys
are listed in `RESULT_KEYS`. Measurements not taken are null. Exit status is
non-zero (and there is no JSON) only when the data cannot be read.

Each phase (numpy, torch) runs in a fresh child process of this script so its
peak RSS (ru_maxrss, a high-water mark) is its own: torch's import does not
inflate numpy's figure and vice versa.
"""

import os
import sys

# BLAS reads these once, when numpy loads it, so they must be set before the
# import: one thread unless `--threads N` asks for more (read here, before
# argparse). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are the caller's to decide;
# they are only reported.
THREADS = 1
if "--threads" in sys.argv[:-1]:
    THREADS = max(1, int(sys.argv[sys.argv.index("--threads") + 1]))
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = str(THREADS)

import argparse  # noqa: E402
import gzip  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

RESULT_KEYS = (
    "python", "numpy", "torch", "cpu",
    "openblas_coretype", "openblas_l2_size",
    "numpy_mlp_s_per_epoch", "numpy_mlp_test_acc", "numpy_mlp_epochs",
    "torch_preloaded_s_per_epoch", "torch_preloaded_test_acc",
    "torch_notebook_s_per_epoch", "torch_import_s", "torch_train_rss_mb",
    "numpy_train_rss_mb",
    "numpy_knn_l2_k1_s", "numpy_knn_k1_acc", "numpy_knn_k3_acc",
    "knn_test_count",
    "numpy_wide_s_per_epoch", "numpy_fashion_s_per_epoch", "torch_lab_s",
)

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
LAYER_SIZES = (784, 128, 64, 10)
BATCH_SIZE = 64
LEARNING_RATE = 0.01
MOMENTUM = 0.9
SEED = 0
KNN_CHUNK_ROWS = 1000  # 1000 x 60000 float32 distances = 240 MB per chunk

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


class DataError(Exception):
    """The MNIST files are missing or not valid IDX."""


def log(message):
    """Progress for humans; stdout is reserved for the JSON line."""
    print(f"[peer_bench] {message}", file=sys.stderr, flush=True)


def peak_rss_mb():
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- data

def read_idx(path):
    """Read an IDX file (raw or .gz) into a uint8 array of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as file:
            content = file.read()
    except OSError as error:
        raise DataError(f"cannot read {path}: {error}") from error
    if len(content) < 4 or content[0] != 0 or content[1] != 0 or content[2] != 0x08:
        raise DataError(f"{path} is not an unsigned-byte IDX file")
    dimension_count = content[3]
    header_size = 4 + 4 * dimension_count
    shape = tuple(
        int.from_bytes(content[4 + 4 * i:8 + 4 * i], "big")
        for i in range(dimension_count)
    )
    expected = int(np.prod(shape))
    if len(content) - header_size != expected:
        raise DataError(
            f"{path}: header promises {expected} bytes of data, "
            f"file has {len(content) - header_size}")
    # A copy, because arrays over `bytes` are read-only and torch.from_numpy warns.
    return np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def load_mnist(directory):
    """Return train/test images as (N, 784) uint8 and labels as int64."""
    arrays = {}
    for key, name in MNIST_FILES.items():
        candidates = [os.path.join(directory, name),
                      os.path.join(directory, name + ".gz")]
        path = next((c for c in candidates if os.path.isfile(c)), None)
        if path is None:
            raise DataError(f"neither {candidates[0]} nor {candidates[1]} exists")
        arrays[key] = read_idx(path)
    for split in ("train", "test"):
        images = arrays[f"{split}_images"]
        labels = arrays[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DataError(f"{split} images have shape {images.shape}, want (N, 28, 28)")
        if labels.shape != (images.shape[0],):
            raise DataError(f"{split}: {images.shape[0]} images but {labels.shape} labels")
    return (arrays["train_images"].reshape(-1, 784), arrays["train_labels"].astype(np.int64),
            arrays["test_images"].reshape(-1, 784), arrays["test_labels"].astype(np.int64))


def normalise(images):
    """uint8 pixels -> float32 (x/255 - mean) / std, as in the lab notebook."""
    scaled = images.astype(np.float32)
    scaled *= np.float32(1.0 / 255.0)
    scaled -= np.float32(MNIST_MEAN)
    scaled /= np.float32(MNIST_STD)
    return scaled


# ---------------------------------------------------------------------- numpy MLP

class NumpyMLP:
    """784-128-64-10 ReLU MLP trained with SGD + momentum, all float32.

    Weights use PyTorch's (out, in) layout and its default init, uniform in
    +-1/sqrt(fan_in) for weights and biases. Activation buffers are allocated
    once for a full batch; the shorter last batch uses row slices of them
    (still contiguous).
    """

    def __init__(self, rng, sizes=LAYER_SIZES, batch_size=BATCH_SIZE):
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = 1.0 / np.sqrt(fan_in)
            self.weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
            self.biases.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
        self.parameters = self.weights + self.biases
        self.gradients = [np.zeros_like(p) for p in self.parameters]
        self.velocities = [np.zeros_like(p) for p in self.parameters]
        # Pre-activations z and activations h for each layer, per batch row.
        self.pre_activations = [np.empty((batch_size, n), np.float32) for n in sizes[1:]]
        self.activations = [np.empty((batch_size, n), np.float32) for n in sizes[1:-1]]
        self.deltas = [np.empty((batch_size, n), np.float32) for n in sizes[1:]]

    def forward(self, inputs):
        """Return logits for `inputs` (m, 784); keeps what backward needs."""
        rows = inputs.shape[0]
        layer_input = inputs
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            z = self.pre_activations[i][:rows]
            np.matmul(layer_input, weight.T, out=z)
            z += bias
            if i < len(self.activations):  # hidden layer: ReLU; the last stays logits
                layer_input = self.activations[i][:rows]
                np.maximum(z, 0.0, out=layer_input)
        return z

    def backward(self, inputs, labels):
        """Softmax cross-entropy (mean over the batch) backward; fills gradients."""
        rows = inputs.shape[0]
        logits = self.pre_activations[-1][:rows]
        # dL/dlogits = (softmax - onehot) / m, computed in place in the delta buffer.
        delta = self.deltas[-1][:rows]
        np.subtract(logits, logits.max(axis=1, keepdims=True), out=delta)
        np.exp(delta, out=delta)
        delta /= delta.sum(axis=1, keepdims=True)
        delta[np.arange(rows), labels] -= 1.0
        delta *= np.float32(1.0 / rows)

        layer_count = len(self.weights)
        for i in range(layer_count - 1, -1, -1):
            layer_input = inputs if i == 0 else self.activations[i - 1][:rows]
            np.matmul(delta.T, layer_input, out=self.gradients[i])
            np.sum(delta, axis=0, out=self.gradients[layer_count + i])
            if i == 0:
                break  # no gradient needed with respect to the pixels
            previous = self.deltas[i - 1][:rows]
            np.matmul(delta, self.weights[i], out=previous)
            previous *= self.pre_activations[i - 1][:rows] > 0  # ReLU'
            delta = previous

    def step(self, learning_rate=LEARNING_RATE, momentum=MOMENTUM):
        """PyTorch SGD: v = momentum * v + g; p -= lr * v (v starts at 0, so v1 = g)."""
        for parameter, gradient, velocity in zip(self.parameters, self.gradients,
                                                 self.velocities):
            velocity *= momentum
            velocity += gradient
            parameter -= learning_rate * velocity

    def accuracy(self, images, labels):
        """Fraction of `images` classified correctly (a plain, allocation-happy forward)."""
        activation = images
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            activation = activation @ weight.T + bias
            if i < len(self.weights) - 1:
                np.maximum(activation, 0.0, out=activation)
        return float(np.mean(activation.argmax(axis=1) == labels))


def train_numpy_mlp(train_x, train_y, test_x, test_y, epochs, sizes=LAYER_SIZES):
    """Train for `epochs`; return (median seconds per epoch, test accuracy)."""
    rng = np.random.default_rng(SEED)
    model = NumpyMLP(rng, sizes)
    sample_count = train_x.shape[0]
    # Copies, not np.empty, so their pages are touched before the clock starts.
    shuffled_x = train_x.copy()
    shuffled_y = train_y.copy()
    epoch_seconds = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(sample_count)
        # One gather per epoch into a preallocated copy; batches are then views.
        # mode="clip" because the default mode="raise" buffers `out` through a
        # hidden temporary copy (the permutation's indices are always valid).
        np.take(train_x, order, axis=0, out=shuffled_x, mode="clip")
        np.take(train_y, order, out=shuffled_y, mode="clip")
        for first in range(0, sample_count, BATCH_SIZE):
            batch_x = shuffled_x[first:first + BATCH_SIZE]
            batch_y = shuffled_y[first:first + BATCH_SIZE]
            model.forward(batch_x)
            model.backward(batch_x, batch_y)
            model.step()
        epoch_seconds.append(time.perf_counter() - start)
        log(f"numpy MLP epoch {epoch + 1}/{epochs}: {epoch_seconds[-1]:.2f} s")
    accuracy = model.accuracy(test_x, test_y)
    log(f"numpy MLP test accuracy {accuracy:.4f}")
    return statistics.median(epoch_seconds), accuracy


# ---------------------------------------------------------------------- numpy kNN

def vote_nearest_first(neighbour_labels):
    """Majority label per row of (m, k) labels sorted nearest first.

    Ties go to the tied label with the nearest neighbour: count how often each
    neighbour's label occurs in its row and take the first (nearest) maximum.
    """
    counts = (neighbour_labels[:, :, None] == neighbour_labels[:, None, :]).sum(axis=2)
    winner = counts.argmax(axis=1)  # argmax returns the first maximum
    return neighbour_labels[np.arange(neighbour_labels.shape[0]), winner]


def run_knn(train_images, train_y, test_images, test_y):
    """L2 kNN on raw pixels; return (k=1 seconds, k=1 accuracy, k=3 accuracy).

    ||t - x||^2 = ||t||^2 - 2 t.x + ||x||^2; the test row's own norm does not
    change the ranking, so each chunk ranks by ||x||^2 / 2 - t.x, computed in
    place in one preallocated (chunk, 60000) float32 block. Only the k=1 work
    (matrix product, ranking, argmin) is timed; k=3 reuses the same block.
    """
    train_x = train_images.astype(np.float32)
    test_x = test_images.astype(np.float32)
    half_train_norms = np.einsum("ij,ij->i", train_x, train_x) * np.float32(0.5)
    test_count = test_x.shape[0]
    scores = np.empty((min(KNN_CHUNK_ROWS, test_count), train_x.shape[0]), np.float32)
    k1_correct = k3_correct = 0
    k1_seconds = 0.0
    for first in range(0, test_count, KNN_CHUNK_ROWS):
        chunk = test_x[first:first + KNN_CHUNK_ROWS]
        chunk_labels = test_y[first:first + KNN_CHUNK_ROWS]
        block = scores[:chunk.shape[0]]

        start = time.perf_counter()
        np.matmul(chunk, train_x.T, out=block)
        np.subtract(half_train_norms, block, out=block)
        nearest = block.argmin(axis=1)
        k1_seconds += time.perf_counter() - start
        k1_correct += int(np.count_nonzero(train_y[nearest] == chunk_labels))

        three = np.argpartition(block, 3, axis=1)[:, :3]
        three_scores = np.take_along_axis(block, three, axis=1)
        three = np.take_along_axis(three, three_scores.argsort(axis=1, kind="stable"), axis=1)
        k3_correct += int(np.count_nonzero(vote_nearest_first(train_y[three]) == chunk_labels))
    log(f"numpy kNN: {k1_seconds:.2f} s for {test_count} test rows")
    return k1_seconds, k1_correct / test_count, k3_correct / test_count


# -------------------------------------------------------------------------- torch

def run_torch_phase(train_images, train_y, test_images, test_y, epochs):
    """Preloaded and notebook-style PyTorch training; returns a partial result dict."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Dataset

    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    torch.manual_seed(SEED)

    def make_model():
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(),
                             nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10))

    # (a) preloaded: whole data set as tensors, manual batches through randperm.
    train_x = torch.from_numpy(normalise(train_images))
    train_t = torch.from_numpy(train_y)
    test_x = torch.from_numpy(normalise(test_images))
    test_t = torch.from_numpy(test_y)
    model = make_model()
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    sample_count = train_x.shape[0]
    epoch_seconds = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(sample_count)
        for first in range(0, sample_count, BATCH_SIZE):
            indices = order[first:first + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_function(model(train_x[indices]), train_t[indices])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
        log(f"torch preloaded epoch {epoch + 1}/{epochs}: {epoch_seconds[-1]:.2f} s")
    with torch.no_grad():
        correct = (model(test_x).argmax(dim=1) == test_t).sum().item()
    preloaded_accuracy = correct / len(test_t)
    log(f"torch preloaded test accuracy {preloaded_accuracy:.4f}")
    # ru_maxrss is a high-water mark: read it before the notebook run adds to it.
    train_rss_mb = peak_rss_mb()

    # (b) notebook: Dataset + DataLoader(shuffle=True) with a per-sample transform,
    # the torchvision-free equivalent of ToTensor() + Normalize((0.1307,), (0.3081,)).
    def to_normalised_tensor(image):
        tensor = torch.from_numpy(image).float().div(255.0).unsqueeze(0)  # (1, 28, 28)
        return (tensor - MNIST_MEAN) / MNIST_STD

    class MNISTDataset(Dataset):
        def __init__(self, images, labels, transform):
            self.images = images.reshape(-1, 28, 28)
            self.labels = labels
            self.transform = transform

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, index):
            return self.transform(self.images[index]), int(self.labels[index])

    loader = DataLoader(MNISTDataset(train_images, train_y, to_normalised_tensor),
                        batch_size=BATCH_SIZE, shuffle=True)
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    model.train()
    start = time.perf_counter()
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_function(model(images.view(images.size(0), -1)), labels)
        loss.backward()
        optimizer.step()
    notebook_seconds = time.perf_counter() - start
    log(f"torch notebook epoch: {notebook_seconds:.2f} s")

    return {
        "torch": torch.__version__.split("+")[0],
        "torch_preloaded_s_per_epoch": statistics.median(epoch_seconds),
        "torch_preloaded_test_acc": preloaded_accuracy,
        "torch_notebook_s_per_epoch": notebook_seconds,
        "torch_train_rss_mb": train_rss_mb,
    }


def measure_torch_import(repeats=3):
    """Median wall time of `python3 -c "import torch"` in fresh interpreters."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        completed = subprocess.run([sys.executable, "-c", "import torch"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   check=False)
        times.append(time.perf_counter() - start)
        if completed.returncode != 0:
            return None
    log(f"import torch: {statistics.median(times):.2f} s (median of {repeats})")
    return statistics.median(times)


# ---------------------------------------------------------------- the whole lab

def run_torch_lab(data_directory):
    """labs/lab1-mnist.nnl's cells in PyTorch, the notebook way; returns {"torch_lab_s": wall seconds}.

    Cell by cell: seed; load MNIST (Dataset with ToTensor + Normalize as a per-sample transform); class
    counts; the 784-128-64-10 ReLU MLP with cross-entropy and SGD (lr 0.01, momentum 0.9), batch 64, 5 epochs
    with a line per epoch; test accuracy, per-class accuracy, confusion matrix, misclassified digits, one
    prediction; the exercises (sigmoid vs ReLU, narrow/wide/deep, a learning-rate sweep without momentum,
    Adam, dropout; 2 epochs each, then test accuracy); save the model and load it back. The timer starts
    after `import torch` (the notebook's first cell) and covers reading the data.
    """
    import tempfile

    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Dataset

    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    start = time.perf_counter()
    torch.manual_seed(1)
    train_images, train_y, test_images, test_y = load_mnist(data_directory)

    def to_normalised_tensor(image):
        tensor = torch.from_numpy(image).float().div(255.0).unsqueeze(0)
        return (tensor - MNIST_MEAN) / MNIST_STD

    class MNISTDataset(Dataset):
        def __init__(self, images, labels):
            self.images = images.reshape(-1, 28, 28)
            self.labels = labels

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, index):
            return to_normalised_tensor(self.images[index]), int(self.labels[index])

    train_set, test_set = MNISTDataset(train_images, train_y), MNISTDataset(test_images, test_y)
    train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=1000)
    log(f"lab: class counts {np.bincount(train_y, minlength=10).tolist()}")

    def mlp(sizes, activation=nn.ReLU, dropout=0.0):
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(activation())
                if dropout:
                    layers.append(nn.Dropout(dropout))
        return nn.Sequential(*layers)

    def train(model, optimizer, epochs):
        loss_function = nn.CrossEntropyLoss()
        for epoch in range(epochs):
            model.train()
            total, correct, loss_sum = 0, 0, 0.0
            for images, labels in train_loader:
                optimizer.zero_grad()
                outputs = model(images.view(images.size(0), -1))
                loss = loss_function(outputs, labels)
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * labels.size(0)
                correct += (outputs.argmax(1) == labels).sum().item()
                total += labels.size(0)
            log(f"lab: epoch {epoch + 1}: loss {loss_sum / total:.4f}, accuracy {correct / total:.4f}")

    def predictions(model):
        model.eval()
        with torch.no_grad():
            return torch.cat([model(images.view(images.size(0), -1)).argmax(1) for images, _ in test_loader])

    truth = torch.from_numpy(test_y.astype(np.int64))

    def evaluate(model, name):
        accuracy = (predictions(model) == truth).float().mean().item()
        log(f"lab: {name} test accuracy {accuracy:.4f}")

    def sgd(model, lr=LEARNING_RATE, momentum=MOMENTUM):
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)

    model = mlp((784, 128, 64, 10))
    train(model, sgd(model), 5)
    predicted = predictions(model)
    log(f"lab: test accuracy {(predicted == truth).float().mean().item():.4f}")
    confusion = torch.zeros(10, 10, dtype=torch.long)
    confusion.index_put_((truth, predicted), torch.ones_like(truth), accumulate=True)
    per_class = confusion.diag().float() / confusion.sum(1).float()
    mistakes = (predicted != truth).nonzero().flatten()[:8].tolist()
    with torch.no_grad():
        probabilities = torch.softmax(model(test_set[0][0].view(1, -1)), dim=1)
    log(f"lab: per class {per_class.tolist()}, mistakes {mistakes}, p(0) {probabilities.argmax().item()}")

    for activation in (nn.Sigmoid, nn.ReLU):
        variant = mlp((784, 128, 64, 10), activation)
        train(variant, sgd(variant), 2)
        evaluate(variant, activation.__name__)
    for sizes in ((784, 32, 10), (784, 512, 10), (784, 256, 128, 64, 32, 10)):
        variant = mlp(sizes)
        train(variant, sgd(variant), 2)
        evaluate(variant, str(sizes))
    for lr in (0.5, 0.1, 0.01, 0.001):
        variant = mlp((784, 128, 64, 10))
        train(variant, sgd(variant, lr=lr, momentum=0), 2)
        evaluate(variant, f"lr={lr}")
    variant = mlp((784, 128, 64, 10))
    train(variant, torch.optim.Adam(variant.parameters(), lr=1e-3), 2)
    evaluate(variant, "adam")
    variant = mlp((784, 128, 64, 10), dropout=0.2)
    train(variant, sgd(variant), 2)
    evaluate(variant, "dropout")

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lab1-mlp.pt")
        torch.save(model.state_dict(), path)
        reloaded = mlp((784, 128, 64, 10))
        reloaded.load_state_dict(torch.load(path))
        evaluate(reloaded, "reloaded")
    seconds = time.perf_counter() - start
    log(f"lab in PyTorch: {seconds:.1f} s")
    return {"torch_lab_s": seconds}


# ------------------------------------------------------------------------- phases

def run_numpy_phase(arguments):
    """Child process: numpy MLP (then its RSS), then kNN."""
    train_images, train_y, test_images, test_y = load_mnist(arguments.data)
    result = {}
    train_x, test_x = normalise(train_images), normalise(test_images)
    seconds, accuracy = train_numpy_mlp(train_x, train_y, test_x, test_y, arguments.epochs)
    result["numpy_mlp_s_per_epoch"] = seconds
    result["numpy_mlp_test_acc"] = accuracy
    result["numpy_mlp_epochs"] = arguments.epochs
    result["numpy_train_rss_mb"] = peak_rss_mb()  # before kNN allocates anything
    if arguments.wide:
        result["numpy_wide_s_per_epoch"], _ = train_numpy_mlp(train_x, train_y, test_x, test_y, arguments.epochs,
                                                              sizes=(784, 512, 10))
    del train_x, test_x
    if arguments.fashion:
        # Normalised with MNIST's constants, as nnlab-bench does: a timing figure.
        fashion_images, fashion_y, fashion_test, fashion_test_y = load_mnist(arguments.fashion)
        result["numpy_fashion_s_per_epoch"], _ = train_numpy_mlp(
            normalise(fashion_images), fashion_y, normalise(fashion_test), fashion_test_y, arguments.epochs)
    if not arguments.skip_knn:
        knn_count = min(arguments.knn_test, test_images.shape[0])
        seconds, k1_accuracy, k3_accuracy = run_knn(
            train_images, train_y, test_images[:knn_count], test_y[:knn_count])
        result.update(numpy_knn_l2_k1_s=seconds, numpy_knn_k1_acc=k1_accuracy,
                      numpy_knn_k3_acc=k3_accuracy, knn_test_count=knn_count)
    return result


def run_phase_in_child(phase, arguments):
    """Run `--phase` in a fresh interpreter; return its JSON dict, or None on failure."""
    command = [sys.executable, os.path.abspath(__file__), "--phase", phase,
               "--data", arguments.data, "--epochs", str(arguments.epochs),
               "--knn-test", str(arguments.knn_test), "--threads", str(arguments.threads)]
    if arguments.skip_knn:
        command.append("--skip-knn")
    if arguments.wide:
        command.append("--wide")
    if arguments.fashion:
        command += ["--fashion", arguments.fashion]
    # stderr passes through so the child's progress lines reach the caller live.
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        log(f"{phase} phase failed (exit status {completed.returncode})")
        return None
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError:
        log(f"{phase} phase printed no JSON")
        return None


def cpu_model():
    """The 'model name' line of /proc/cpuinfo, else whatever platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or None


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True,
                        help="directory with the MNIST IDX files (raw or .gz)")
    parser.add_argument("--epochs", type=int, default=2,
                        help="epochs timed for the MLPs (default 2)")
    parser.add_argument("--accuracy-epochs", type=int, default=None,
                        help="train this many epochs instead when larger than --epochs, "
                             "so the reported test accuracy is the one after them")
    parser.add_argument("--knn-test", type=int, default=10000,
                        help="test rows classified by kNN (default 10000, the full set)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/PyTorch threads for the peers (default 1)")
    parser.add_argument("--skip-torch", action="store_true", help="do not measure PyTorch")
    parser.add_argument("--skip-knn", action="store_true", help="do not measure kNN")
    parser.add_argument("--wide", action="store_true", help="also time the numpy MLP 784-512-10")
    parser.add_argument("--fashion", metavar="DIR",
                        help="also time the numpy lab MLP on Fashion-MNIST (IDX files in DIR)")
    parser.add_argument("--lab", action="store_true",
                        help="also time the whole lab (labs/lab1-mnist.nnl's cells) in PyTorch, the notebook way")
    parser.add_argument("--phase", choices=("numpy", "torch", "lab"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.epochs < 1 or arguments.knn_test < 1:
        parser.error("--epochs and --knn-test must be at least 1")
    if arguments.accuracy_epochs is not None and arguments.accuracy_epochs > arguments.epochs:
        # One run serves both: every epoch is timed (median) and the accuracy is
        # the one after the last epoch.
        arguments.epochs = arguments.accuracy_epochs
    return arguments


def main():
    arguments = parse_arguments()

    if arguments.phase is not None:
        # Child: data errors end the process with a message; the parent reports nulls.
        try:
            if arguments.phase == "numpy":
                result = run_numpy_phase(arguments)
            elif arguments.phase == "lab":
                result = run_torch_lab(arguments.data)
            else:
                result = run_torch_phase(*load_mnist(arguments.data), arguments.epochs)
        except DataError as error:
            log(f"error: {error}")
            return 2
        except ImportError as error:  # torch present but broken
            log(f"cannot import torch: {error}")
            return 3
        print(json.dumps(result))
        return 0

    # Parent: check the data once so a bad --data fails fast and clearly.
    try:
        load_mnist(arguments.data)
    except DataError as error:
        log(f"error: {error}")
        return 2

    started = time.perf_counter()
    result = dict.fromkeys(RESULT_KEYS)
    result.update(
        python=platform.python_version(),
        numpy=np.__version__,
        cpu=cpu_model(),
        openblas_coretype=os.environ.get("OPENBLAS_CORETYPE"),
        openblas_l2_size=os.environ.get("OPENBLAS_L2_SIZE"),
    )

    numpy_result = run_phase_in_child("numpy", arguments)
    if numpy_result:
        result.update(numpy_result)

    if arguments.skip_torch:
        log("PyTorch skipped (--skip-torch)")
    elif importlib.util.find_spec("torch") is None:
        log("PyTorch is not installed; its figures are null")
    else:
        torch_result = run_phase_in_child("torch", arguments)
        if torch_result:
            result.update(torch_result)
            result["torch_import_s"] = measure_torch_import()
        if arguments.lab:
            lab_result = run_phase_in_child("lab", arguments)
            if lab_result:
                result.update(lab_result)

    log(f"done in {time.perf_counter() - started:.1f} s")
    print(json.dumps({key: result[key] for key in RESULT_KEYS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
