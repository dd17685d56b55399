#!/usr/bin/env python3
"""Tries bad inputs on nnlab the way a student would, and counts what went wrong (issue 17).

    scripts/try-bad-inputs.py [--nnlab PATH] [--only WORD] [--keep DIR]

Writes a few hundred bad data files, model files and scripts into a scratch folder, then runs nnlab on them:
data sets through every command (piped to the prompt, one session per set and one per command), model files
after a model was built, scripts with `nnlab run` and piped, odd command lines, a small memory budget, and
SIGTERM/SIGINT at several moments. Each run is judged:

  crash       killed by a signal, or a Swift trap (exit 132/133/134/139, "Fatal error")
  hang        still running after the time limit
  lost state  the session did not go on (a marker printed after the bad input is missing), or a failed load
              replaced what was there, or an interrupted run left no valid transcript
  raw control control characters other than line breaks and tabs reached the terminal
  os jargon   "NSCocoaErrorDomain" and the like instead of words

and prints the tally ("inputs tried", runs, and each count, which must all be 0) and every flagged run. Not
part of scripts/test.sh (it takes minutes); the classes it found are in the catalogue tests.
"""
import argparse, gzip, json, os, random, re, shutil, signal, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--nnlab", default=os.path.join(ROOT, ".build/debug/nnlab"))
ap.add_argument("--only", default=None, help="run only the groups whose name contains this")
ap.add_argument("--keep", default=None, help="write the scratch files here and keep them")
ap.add_argument("--timeout", type=float, default=60)
args = ap.parse_args()
B = args.nnlab
D = args.keep or tempfile.mkdtemp(prefix="nnlab-bad-inputs-")
os.makedirs(D, exist_ok=True)
inputs = set()
results = []


def w(name, data):
    path = os.path.join(D, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def judge(name, rc, out, marker=None, extra=None):
    flags = []
    if rc == "hang":
        flags.append("hang")
    elif rc < 0 or rc in (132, 133, 134, 135, 136, 139):
        flags.append("crash")
    if b"Fatal error" in out or b"failed to allocate" in out:
        flags.append("crash")
    if marker is not None and marker not in out:
        flags.append("lost state")
    if re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]", out) or re.search(rb"\x1b(?!\[[0-9;]*[mK])", out):
        flags.append("raw control")
    if re.search(rb"NSCocoaErrorDomain|NSPOSIXErrorDomain|Error Domain=", out):
        flags.append("os jargon")
    if extra:
        flags.append(extra)
    results.append((name, rc, sorted(set(flags)), out[-600:].decode("utf-8", "replace")))


def run(name, argv, stdin=None, env=None, marker=None, timeout=None, extra_check=None):
    e = dict(os.environ, NNLAB_DATA=os.path.join(D, "no-data"), SWIFT_BACKTRACE="enable=no", NO_COLOR="1",
             HOME=D, NNLAB_HISTORY=os.path.join(D, "history"))
    if env:
        e.update(env)
    try:
        p = subprocess.run([B] + argv, input=stdin, capture_output=True, env=e, cwd=D, timeout=timeout or args.timeout)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as x:
        rc, out = "hang", (x.stdout or b"") + (x.stderr or b"")
    extra = extra_check(rc, out) if extra_check else None
    judge(name, rc, out, marker, extra)
    return rc, out


def prompt(name, lines, env=None, setup=("let keep = 7",), after=('print "ALIVE" keep',)):
    body = "\n".join(list(setup) + lines + list(after)) + "\n"
    return run(name, [], stdin=body.encode("utf-8", "surrogateescape"), env=env, marker=b"ALIVE 7")


def group(name):
    return args.only is None or args.only in name


# ---------------------------------------------------------------------------------------------------- data files
def idx(dims, body, kind=8):
    return bytes([0, 0, kind, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + body


rnd = random.Random(17)


def images(n, r=28, c=28):
    return idx([n, r, c], bytes(rnd.randrange(256) for _ in range(n * r * c)))


def labels(n, k=10):
    return idx([n], bytes(i % k for i in range(n)))


IDX_SETS = {
    "ok": (images(20), labels(20), images(10), labels(10)),
    "no-train": (images(0), labels(0), images(10), labels(10)),
    "no-test": (images(20), labels(20), images(0), labels(0)),
    "zero-size": (idx([20, 0, 0], b""), labels(20), idx([10, 0, 0], b""), labels(10)),
    "other-size": (images(20, 10, 10), labels(20), images(10, 10, 10), labels(10)),
    "mixed-size": (images(20), labels(20), images(10, 10, 10), labels(10)),
    "one-class": (images(20), labels(20, 1), images(10), labels(10, 1)),
    "unseen-labels": (images(20), labels(20, 2), images(10), idx([10], bytes([9] * 10))),
    "one-image": (images(1), labels(1), images(1), labels(1)),
    "bad-label": (images(20), idx([20], bytes([200] * 20)), images(10), labels(10)),
    "count-mismatch": (images(20), labels(19), images(10), labels(10)),
    "truncated": (images(20)[:-5], labels(20), images(10), labels(10)),
    "bad-magic": (b"\x12\x34\x56\x78" + images(20)[4:], labels(20), images(10), labels(10)),
    "empty-file": (b"", labels(20), images(10), labels(10)),
    "two-dims": (idx([20, 784], bytes(20 * 784)), labels(20), images(10), labels(10)),
    "claims-60000": (idx([60000, 28, 28], b""), labels(20), images(10), labels(10)),
    "wrong-type": (bytes([0, 0, 0x0D, 3]) + images(20)[4:], labels(20), images(10), labels(10)),
    "trailing-bytes": (images(20) + b"xx", labels(20), images(10), labels(10)),
    "huge-dims": (idx([65536, 65536, 65536], b""), labels(20), images(10), labels(10)),
}
NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
data_dirs = {}
for key, files in IDX_SETS.items():
    for gz in (False, True):
        folder = f"idx-{key}{'-gz' if gz else ''}"
        for n, content in zip(NAMES, files):
            w(f"{folder}/mnist/{n}{'.gz' if gz else ''}", gzip.compress(content) if gz else content)
        data_dirs[folder] = os.path.join(D, folder)
g = bytearray(gzip.compress(images(20)))
g[30] ^= 0xFF
for n, content in zip(NAMES[1:], list(IDX_SETS["ok"])[1:]):
    w(f"idx-gz-corrupt/mnist/{n}", content)
    w(f"idx-gz-truncated/mnist/{n}", content)
w("idx-gz-corrupt/mnist/train-images-idx3-ubyte.gz", bytes(g))
w("idx-gz-truncated/mnist/train-images-idx3-ubyte.gz", bytes(g[: len(g) // 2]))
w("idx-gz-bomb/mnist/train-images-idx3-ubyte.gz", gzip.compress(idx([2000, 100, 100], bytes(20_000_000))))
for n, content in zip(NAMES[1:], list(IDX_SETS["ok"])[1:]):
    w(f"idx-gz-bomb/mnist/{n}", content)
os.makedirs(os.path.join(D, "idx-folder-for-file/mnist/train-images-idx3-ubyte"), exist_ok=True)
for n, content in zip(NAMES[1:], list(IDX_SETS["ok"])[1:]):
    w(f"idx-folder-for-file/mnist/{n}", content)
w("idx-bad-checksum-cache/mnist/.nnlab-sha256", "train-images-idx3-ubyte 1:2 nothex\n\x00\xff garbage\n")
for n, content in zip(NAMES, IDX_SETS["ok"]):
    w(f"idx-bad-checksum-cache/mnist/{n}", content)
for extra in ["idx-gz-corrupt", "idx-gz-truncated", "idx-gz-bomb", "idx-folder-for-file", "idx-bad-checksum-cache"]:
    data_dirs[extra] = os.path.join(D, extra)


def csv_image(n, classes, side=28, header=True):
    head = "label," + ",".join(f"p{i}" for i in range(side * side)) + "\n" if header else ""
    return head + "".join(f"{i % classes}," + ",".join(str((i * 31 + j) % 256) for j in range(side * side)) + "\n" for i in range(n))


CSV = {
    "empty.csv": b"", "blank-lines.csv": b"\n\n  \n\t\n", "header-only.csv": b"label,x,y\n", "header-no-newline.csv": b"label,x,y",
    "one-column.csv": b"1\n2\n3\n", "two.csv": b"label,x,y\n0,1,2\n1,3,4\n", "one-class.csv": b"label,x,y\n0,1,2\n0,3,4\n0,5,5\n",
    "one-row.csv": b"label,x,y\n0,1,2\n", "labels-5-0.csv": b"label,x,y\n5,1,2\n0,3,4\n", "labels-7-9.csv": b"label,x,y\n7,1,2\n9,3,4\n",
    "names-cat-dog.csv": b"label,x,y\ncat,1,2\ndog,3,4\n", "names-bird-cat.csv": b"label,x,y\nbird,1,2\ncat,3,4\n",
    "typo-first-row.csv": b"0,1,x2\n1,3,4\n0,5,6\n", "typo-middle.csv": b"0,1,2\n1,3,4x\n0,5,6\n", "nan.csv": b"0,1,nan\n1,3,4\n",
    "inf.csv": b"0,1,inf\n1,3,4\n", "beyond-float.csv": b"0,1,1e39\n1,3,4\n", "float-edge.csv": b"0,1,3.4e38\n1,3,-3.4e38\n",
    "tiny.csv": b"0,1,1e-400\n1,3,4\n", "negative-label.csv": b"-1,1,2\n1,3,4\n", "fraction-label.csv": b"0.5,1,2\n1,3,4\n",
    "short-row.csv": b"0,1,2\n1,3\n", "long-row.csv": b"0,1,2\n1,3,4,5\n", "nul.csv": b"0,1,2\n1,3\x00,4\n",
    "nul-header.csv": b"la\x00bel,x,y\n0,1,2\n", "escape-labels.csv": b"label,x,y\n\x1b[31mred,1,2\n\x1b[2Jblue,3,4\n",
    "escape-header.csv": b"\x1b]0;pwned\x07label,x\x1b[5m,y\n0,1,2\n1,2,3\n", "binary.csv": bytes(range(256)) * 4,
    "not-utf8-labels.csv": b"label,x,y\n\xff\xfe,1,2\nb,3,4\n", "open-quote.csv": b"\"0,1,2\n1,3,4\n",
    "bom.csv": b"\xef\xbb\xbflabel,x,y\n0,1,2\n1,3,4\n", "crlf.csv": b"label,x,y\r\n0,1,2\r\n1,3,4\r\n", "semicolons.csv": b"0;1;2\n1;3;4\n",
    "tabs.csv": b"0\t1\t2\n1\t3\t4\n", "cr-only.csv": b"0,1,2\r1,3,4\r", "cr-only-header.csv": b"label,x,y\r0,1,2\r",
    "long-line.csv": b"0," + b",".join(b"1" for _ in range(100000)) + b"\n1," + b",".join(b"2" for _ in range(100000)) + b"\n",
    "many-labels.csv": "".join(f"{i * 7},{i}\n" for i in range(70000)).encode(), "huge-label.csv": b"99999999999,1\n1,2\n",
    "spread-labels.csv": b"-5,1\n100000,2\n", "empty-field.csv": b"0,,2\n1,3,4\n", "spaces.csv": b" 0 , 1 , 2 \n 1 , 3 , 4 \n",
    "duplicate-header.csv": b"label,label\n0,1\n1,2\n", "no-features.csv": b"0,\n1,\n", "mixed-labels.csv": b"0,1,2\ncat,3,4\n",
    "hex.csv": b"0,0x10,2\n1,3,4\n", "header-numeric-names.csv": b"label,0,1\n0,1,2\n1,3,4\n", "bell-label.csv": b"\x07bell,1,2\nok,3,4\n",
    "cjk.csv": "ラベル,x,y\n猫,1,2\n犬,3,4\n".encode(), "rtl-override.csv": "label,x\n\u202eevil,1\nok,2\n".encode(),
    "images-784.csv": csv_image(30, 10).encode(), "images-784-test.csv": csv_image(5, 3).encode(),
    "images-100.csv": csv_image(12, 10, side=10).encode(), "images-one-class.csv": csv_image(6, 1).encode(),
    "images-no-header.csv": csv_image(8, 10, header=False).encode(),
}
for name, content in CSV.items():
    w(name, content)
w("gzipped.csv.gz", gzip.compress(b"0,1,2\n1,3,4\n"))
w("gzip-bomb.csv.gz", gzip.compress(b"0" * (64 * 1024 * 1024)))
w("gzip-truncated.csv.gz", gzip.compress(b"0,1,2\n1,3,4\n" * 1000)[:200])
os.makedirs(os.path.join(D, "folder.csv"), exist_ok=True)

COMMANDS = ["data", "split val=0.5", "split val=0.9", "show image 0", "show samples 3", "show pixels 0", "show image 0 set=test",
            "show samples 5 set=val", "knn", "knn k=3", "knn k=5 test=1", "knn distance=l1", "eval", "confusion", "per_class",
            "mistakes", "mistakes 3 set=train", "predict 0", "distance 0 1", "distance 0 1 l2", "plot boundary", "plot templates",
            "linear", "train epochs=1", "train epochs=1 batch=1000", "eval train", "eval val", "eval test", "confusion set=train",
            "per_class set=val", "mistakes", "predict 0", "predict 0 set=train", "plot templates", "plot weights", "plot boundary",
            "gradcheck", "plot loss", "plot acc", "plot history", "runs", "plot runs", "summary", "linear loss=svm",
            "train epochs=2 batch=1", "confusion", "mlp 784 4 10", "train epochs=1", "eval", "predict 0", "mlp 2 4 2", "train epochs=1",
            "eval", "plot boundary", "mlp 100 4 10", "train epochs=1", "knn k=1", "predict 0", "mistakes", "plot templates", "confusion",
            "per_class", "plot neurons", "plot network", "save model out.safetensors", "load model out.safetensors", "summary"]

if group("data"):
    loads = {}
    for folder, path in sorted(data_dirs.items()):
        loads[f"load mnist ({folder})"] = (["load mnist"], {"NNLAB_DATA": path})
        loads[f"load mnist subset ({folder})"] = (["load mnist train=5 test=3 normalize=unit"], {"NNLAB_DATA": path})
    for name in sorted(list(CSV) + ["gzipped.csv.gz", "gzip-bomb.csv.gz", "gzip-truncated.csv.gz", "folder.csv", "missing.csv", "/dev/zero"]):
        loads[f"load csv {name}"] = ([f"load csv {name}"], None)
        loads[f"load csv {name} label=-1"] = ([f"load csv {name} label=-1"], None)
    for a, b in [("two.csv", "labels-5-0.csv"), ("labels-5-0.csv", "two.csv"), ("names-cat-dog.csv", "names-bird-cat.csv"),
                 ("two.csv", "labels-7-9.csv"), ("images-784.csv", "images-784-test.csv"), ("images-784.csv", "images-100.csv"),
                 ("one-class.csv", "two.csv"), ("one-row.csv", "one-row.csv"), ("two.csv", "names-cat-dog.csv"),
                 ("names-cat-dog.csv", "two.csv"), ("two.csv", "header-only.csv"), ("two.csv", "folder.csv")]:
        loads[f"load csv {a} test={b}"] = ([f"load csv {a} test={b}"], None)
    for t in ["circle n=4", "xor n=4 ratio=0.9", "spiral n=5 ratio=0.1", "gauss n=4 noise=0", "plane n=4", "multigauss n=5"]:
        loads[f"load toy {t}"] = ([f"load toy {t}"], None)
    for name, (pre, env) in loads.items():
        inputs.add(name)
        # The data loaded before a failing load must still be there afterwards.
        prompt(name + " :: every command", ["load toy xor n=20"] + pre + COMMANDS + ["data"], env=env)
        for c in ["show image 0", "knn k=3", "train epochs=1", "confusion", "mistakes", "predict 0", "distance 0 1", "split val=0.9",
                  "plot templates", "eval val"]:
            prompt(f"{name} :: {c}", pre + ["linear", c], env=env)

# --------------------------------------------------------------------------------------------------- model files
def safetensors(layers, tensors, meta=None, data=None, header_override=None, length=None, values=0.25):
    header = {}
    blob = b""
    for key, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [len(blob), len(blob) + 4 * n]}
        blob += struct.pack(f"<{n}f", *([values] * n))
    m = {"format": "pt", "model": "saved", "loss": "cross_entropy", "layers": layers}
    m.update(meta or {})
    header["__metadata__"] = m
    if header_override:
        header_override(header)
    j = json.dumps(header).encode() if not isinstance(header_override, bytes) else header_override
    return struct.pack("<Q", length if length is not None else len(j)) + j + (blob if data is None else data)


NET = [("0.weight", [4, 3]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]
L = "linear 3 4; relu; linear 4 2"
MODELS = {
    "good": safetensors(L, NET), "empty-file": b"", "short": b"\x10\x00", "huge-length": struct.pack("<Q", 1 << 62) + b"{}",
    "not-json": struct.pack("<Q", 5) + b"{nope", "array": struct.pack("<Q", 3) + b"[1]", "no-metadata": struct.pack("<Q", 2) + b"{}",
    "empty-layers": safetensors("", []), "blank-layers": safetensors(" ; ; ", []), "gap": safetensors("linear 3 4;; relu; linear 4 2", NET),
    "unknown-kind": safetensors("conv 3 3", NET), "missing-size": safetensors("linear 3", NET), "too-big": safetensors("linear 100000 100000", []),
    "mismatched-widths": safetensors("linear 3 4; linear 5 2", NET), "same-count-other-shape": safetensors(L, [("0.weight", [6, 2])] + NET[1:]),
    "flat-weights": safetensors(L, [("0.weight", [12])] + NET[1:]), "bias-2d": safetensors(L, [NET[0], ("0.bias", [4, 1])] + NET[2:]),
    "nan-alpha": safetensors("linear 3 4; leaky_relu alpha=nan; linear 4 2", NET), "big-alpha": safetensors("linear 3 4; elu alpha=1e300; linear 4 2", NET),
    "dropout-1": safetensors("linear 3 4; dropout p=1; linear 4 2", NET), "negative-p": safetensors("linear 3 4; dropout p=-0.5; linear 4 2", NET),
    "unknown-loss": safetensors(L, NET, {"loss": "cross-entropy"}), "bad-penalty": safetensors(L, NET, {"regularization": "l2 rate=nan"}),
    "penalty-too-big": safetensors(L, NET, {"regularization": "l1 rate=1e9"}), "nan-weights": safetensors(L, NET, values=float("nan")),
    "inf-weights": safetensors(L, NET, values=float("inf")), "extra-tensor": safetensors("linear 3 4", NET),
    "trailing-data": safetensors(L, NET, data=struct.pack("<26f", *([0.1] * 26)) + b"\x00" * 8),
    "missing-data": safetensors(L, NET, data=b"\x00" * 40), "f16": safetensors(L, NET, header_override=lambda h: h["0.bias"].update(dtype="F16")),
    "overlapping": safetensors(L, NET, header_override=lambda h: h["2.bias"].update(data_offsets=[0, 8])),
    "offset-overflow": safetensors(L, NET, header_override=lambda h: h["2.bias"].update(data_offsets=[9223372036854775799, 9223372036854775807])),
    "negative-offset": safetensors(L, NET, header_override=lambda h: h["2.bias"].update(data_offsets=[-8, 0])),
    "shape-overflow": safetensors(L, NET, header_override=lambda h: h["0.weight"].update(shape=[4611686018427387904, 4, 4])),
    "string-shape": safetensors(L, NET, header_override=lambda h: h["0.weight"].update(shape="4x3")),
    "escape-name": safetensors(L, NET, {"model": "\x1b[2Jx"}), "escape-layers": safetensors("linear 3 4\x1b[31m; relu; linear 4 2", NET),
    "deep-json": struct.pack("<Q", 200000) + b"[" * 100000 + b"]" * 100000,
    "features-last": safetensors("linear 2 2; features x1,x2", [("0.weight", [2, 2]), ("0.bias", [2])]),
    "unknown-feature": safetensors("features x1,x9; linear 2 2", [("1.weight", [2, 2]), ("1.bias", [2])]),
    "binary": bytes(range(256)) * 64,
}
if group("model"):
    for name, content in MODELS.items():
        path = w(f"models/{name}.safetensors", content)
        inputs.add(f"model {name}")
        # A failed load must leave the model built before as the current one.
        rc, out = prompt(f"load model {name}", ["mlp 2 3 2 name=before", f"load model {path}", "summary", "eval", "predict 0"],
                         setup=("let keep = 7", "load toy xor n=20"))
        # Either the file loaded, or the model built before is still the current one (what `summary` shows).
        if b"loaded model" not in out and b"model 'before' (input 2" not in out:
            results[-1] = (results[-1][0], results[-1][1], sorted(set(results[-1][2] + ["lost state"])), results[-1][3])
    for special in ["/dev/zero", "/etc/passwd", D, "models/missing.safetensors"]:
        inputs.add(f"model {special}")
        prompt(f"load model {special}", ["mlp 2 3 2 name=before", f"load model {special}", "summary"])
    os.makedirs(os.path.join(D, "models/folder.safetensors"), exist_ok=True)
    fifo = os.path.join(D, "models/pipe.safetensors")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    # (A pipe, not a device such as /dev/full: a regression would rename a file over the device.)
    for target in ["models/folder.safetensors", "no/such/folder/m.safetensors", "/proc/m.safetensors", fifo]:
        inputs.add(f"save model {target}")
        prompt(f"save model {target}", ["mlp 2 3 2", f"save model {target}"])

# ------------------------------------------------------------------------------------------------------- scripts
SCRIPTS = {
    "invalid-utf8": b'print "ok"\nprint "a\xffb"\n', "invalid-utf8-first": b"\xfe\xff\n", "latin1": 'print "café"\n'.encode("latin-1"),
    "nul": b'print "a"\x00\nprint 1\n', "nul-in-string": b'print "a\x00b"\n', "escape-in-string": b'print "\x1b[2J\x1b]0;title\x07"\n',
    "escape-outside": b"tra\x1b[31min\n", "bell": b"print 1\x07\n", "backspaces": b'print "abc\x08\x08\x08xyz"\n',
    "cjk-caret": 'let 猫 = 1\nprint 猫 $\n'.encode(), "combining-caret": 'print "e\u0301\u0301" $\n'.encode(),
    "emoji-caret": 'print "👩‍🔬" $\n'.encode(), "rtl-override": 'tr\u202eain\n'.encode(), "zero-width": 'tr\u200bain\n'.encode(),
    "bom": b'\xef\xbb\xbfprint "bom"\n', "crlf": b'print 1\r\nprint $\r\n', "cr-only": b'print 1\rprint 2\r',
    "tabs": b'\tprint\t"x"\t$\n', "long-line": b"print " + b"1 + " * 20000 + b"1\n", "deep-list": b"print " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep-parens": b"let x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "huge-number": b"let x = 1e999999\n",
    "many-lines": b"print 1\n" * 50000, "unterminated": b'print "open\n', "unfinished-for": b"for x in [1, 2]\nprint x\n",
    "stray-end": b"end\nend\n", "bad-cells": b"# %% [markdown]\n# text \x1b[2J\n# %% code\nprint $\n",
    "string-growth": b'let s = "ab"\nfor i in [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]\nlet s = s + s\nend\nprint s\n',
    "list-growth": b"let l = [1]\nfor i in [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26]\nlet l = l + l\nend\n",
    "division-by-zero": b"let x = 1 / 0\n", "binary": bytes(range(256)) * 16,
    "memory-small": b"set memory=1MB\nload toy xor n=100000\nmlp 2 2048 2048 2\n", "memory-models-loop": b"set memory=300MB\nfor n in [a, b, c, d, e, f, g, h, i, j, k, l, m, n1, o, p]\nmlp 784 1024 1024 10 name=n\nend\nprint keep\n",
    "memory-bad": b"set memory=-5GB\nset memory=lots\nset memory=1e400\n", "path-after-key": b"load csv two.csv test=" + os.path.join(D, "two.csv").encode() + b"\nknn\n",
}
if group("script"):
    for name, content in SCRIPTS.items():
        path = w(f"scripts/{name}.nnl", content)
        inputs.add(f"script {name}")
        run(f"run {name}", ["run", path])
        run(f"run {name} --allow-errors --transcript", ["run", path, "--allow-errors", "--transcript", os.path.join(D, f"scripts/{name}.ipynb")])
        # (An unfinished `for` takes the lines after it as its body: the `end` closes it, elsewhere it is one more error.)
        prompt(f"piped {name}", [content.decode("utf-8", "surrogateescape"), "end"])

# -------------------------------------------------------------------------------------------------- command line
if group("cli"):
    os.makedirs(os.path.join(D, "folder.nnl"), exist_ok=True)
    os.makedirs(os.path.join(D, "folder.ipynb"), exist_ok=True)
    ok = w("ok.nnl", 'print "ok"\n')
    for argv in [["run", "folder.nnl"], ["run", "missing.nnl"], ["run", "/dev/zero"], ["run", "/etc/shadow"], ["run", ok, "--transcript", "folder.ipynb"],
                 ["run", ok, "--transcript", "no/such/dir/t.ipynb"], ["run", ok, "--transcript", "t.docx"], ["run", ok, "--transcript", "/proc/t.md"],
                 ["-c", "print \"\x1b[2J\" $"], ["-c", "tr\u202eain"], ["-c", ""], ["-c", "\x07\x7f"], ["lab1.nnl"], ["run"], ["--bogus"],
                 ["convert", "folder.nnl", "x.ipynb"], ["convert", "scripts/invalid-utf8.nnl", "x.ipynb"], ["convert", ok, "folder.ipynb"],
                 ["check", "folder.ipynb"], ["check", "models/binary.safetensors"], ["run", "models/binary.safetensors"],
                 ["run", "folder.ipynb"], ["convert", "x.nnl", "y.txt"]]:
        inputs.add("cli " + " ".join(argv))
        run("nnlab " + " ".join(argv), argv)

# -------------------------------------------------------------------------------------------- lines at the prompt
LINES = [
    "show image 9223372036854775807", "show image 99999999999999999999", "mistakes 1e300", "seed -1", "seed 1.5",
    "knn k=0", "knn k=1e308", "split val=1", "split val=-0.1", "split val=nan", "train epochs=0", "train batch=0",
    "train epochs=1e10", "optimizer sgd lr=0", "optimizer sgd lr=-1", "optimizer adam beta1=1", "mlp 2 0 2", "mlp 2",
    "mlp 100000 100000 10", "layer linear 2 100000000", "layer dropout p=1", "layer leaky_relu alpha=-1", "use", "use 猫",
    "model 1x", "model \"a b\"", "distance [[1,2],[3]] [[1]]", "distance [] []", "distance [[1e308]] [[-1e308]] l2",
    "distance 0 1 l3", "plot activation nope", "plot weights 99", "plot weights 0", "plot boundary height=1000",
    "print [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "let x = 1 / 0", "let x = 2 ^ 10000", "let x = sin(\"a\")", "let x = nosuch(1)", "print {keep}", "print \"{nosuch}\"",
    "set width=1", "set width=100000", "set memory=0", "set memory=1", "set memory=-1GB", "set memory=99999TB",
    "record start", "record stop", "record start x.docx", "help nosuch", "help", "runs clear", "runs nosuch",
    "load", "load nosuch", "load csv", "load toy nosuch", "load toy xor n=3", "load toy xor n=1e9", "load toy xor noise=2",
    "load mnist train=0", "load mnist train=1e9", "save", "save model", "save nosuch x", "exit now", "quit 1",
    "for x in 5\nprint x\nend", "for x in []\nprint x\nend", "for in [1]\nend", "end", "let = 1", "let x",
    "train", "eval", "confusion", "gradcheck", "predict", "summary", "data", "vars",
]
if group("prompt"):
    for line in LINES:
        inputs.add("prompt " + line)
        prompt("prompt: " + line.replace("\n", "; "), [line])
        prompt("prompt after data and model: " + line.replace("\n", "; "), ["load toy xor n=20", "mlp 2 4 2", "train epochs=1", line])
    for variable, value in [("NNLAB_HISTORY", D), ("NNLAB_DATA", "/etc/passwd"), ("NNLAB_DATA", ""), ("LANG", "C"),
                            ("TERM", "dumb"), ("COLUMNS", "1"), ("COLUMNS", "100000"), ("NNLAB_THREADS", "banana"), ("NO_COLOR", "")]:
        inputs.add(f"environment {variable}={value}")
        prompt(f"environment {variable}={value!r}", ["load toy xor n=20", "data", "mlp 2 4 2", "train epochs=2", "plot loss", "load mnist"],
               env={variable: value})

# ------------------------------------------------------------------------------------------------------- signals
def interrupted(name, script, sig, delay, env=None):
    path = w(f"signals/{name}.nnl", script)
    out_path = os.path.join(D, f"signals/{name}.ipynb")
    e = dict(os.environ, NNLAB_DATA=os.path.join(D, "no-data"), SWIFT_BACKTRACE="enable=no", HOME=D)
    if env:
        e.update(env)
    p = subprocess.Popen([B, "run", path, "--transcript", out_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, cwd=D)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=args.timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = "hang"
    extra = None
    try:
        json.load(open(out_path))
    except Exception as x:
        extra = f"lost state (transcript: {x})"
    if rc not in (130, 143, 0, 1, "hang"):
        extra = (extra or "") + f" exit {rc}"
    if rc in (130, 143) and not re.search(rb"\.nnl:\d+:\d+: error: (interrupted|terminated)", err):
        extra = (extra or "") + " no line"
    judge(name, rc, out + err, None, extra.strip() if extra else None)


if group("signal"):
    train = "load toy spiral n=4000\nmlp 2 64 64 2\ntrain epochs=10000\nprint \"never\"\n"
    sweep = "load toy xor n=200\nfor lr in [" + ",".join(["0.1"] * 400) + "]\nmlp 2 16 2\ntrain epochs=50\nend\n"
    for sig, sname in [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")]:
        for label, script, delay in [("training", train, 3), ("sweep", sweep, 3), ("start", train, 0.05),
                                     ("knn", "load csv images-784.csv test=images-784.csv\n" + "knn k=3\n" * 3000, 2)]:
            inputs.add(f"{sname} during {label}")
            interrupted(f"{sname} during {label}", script, sig, delay)

# --------------------------------------------------------------------------------------------------------- tally
flagged = [r for r in results if r[2]]
counts = {k: sum(1 for r in results if k in " ".join(r[2])) for k in ["crash", "hang", "lost state", "raw control", "os jargon"]}
for name, rc, flags, tail in flagged:
    print(f"{', '.join(flags):24} exit {rc}: {name}\n    {tail[-300:]!r}")
print(f"\ninputs tried: {len(inputs)}; runs: {len(results)}; " + "; ".join(f"{k}: {v}" for k, v in counts.items()))
if not args.keep:
    shutil.rmtree(D, ignore_errors=True)
sys.exit(1 if flagged else 0)
