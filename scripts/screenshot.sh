#!/usr/bin/env bash
# Looks at a notebook the way a teacher opens it: `jupyter nbconvert --to html`, then headless Chromium
# screenshots, for a person to check the figures by eye. Not part of the tests (it needs Chromium).
#
#   scripts/screenshot.sh [NOTEBOOK.ipynb] [--out DIR] [--cells N,M,...] [--name NAME]
#
# Without a notebook it runs the lab first (scripts/run-lab.sh --transcript DIR/lab1.ipynb --no-timing).
# Writes into DIR (default out/screenshots):
#   NAME.html            the whole notebook as nbconvert renders it
#   NAME-part-K.png      the notebook in parts of a few cells each (one page of the whole lab is taller than
#                        Chromium captures), each cropped to its content
#   NAME-cells.png       with --cells: only those code cells (by execution count) and the markdown just
#                        before them, cropped; what the README shows
# Installs what is missing: nbconvert and Pillow from PyPI, chromium and DejaVu fonts from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

notebook="" out="out/screenshots" cells="" name=""
while (($#)); do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --cells) cells="$2"; shift 2 ;;
        --name) name="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "screenshot: unknown option $1" >&2; exit 2 ;;
        *) notebook="$1"; shift ;;
    esac
done

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo -n); fi
if ! command -v chromium >/dev/null 2>&1 || ! dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q "install ok installed"; then
    echo "screenshot: installing chromium and fonts-dejavu-core" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq </dev/null >/dev/null || true
    "${sudo_cmd[@]}" apt-get install -y -qq chromium fonts-dejavu-core </dev/null >/dev/null
fi
python3 -c "import nbconvert, nbformat, PIL" 2>/dev/null || {
    echo "screenshot: installing nbconvert and Pillow from PyPI" >&2
    python3 -m pip install -q nbconvert nbformat pillow </dev/null
}

mkdir -p "$out"
if [[ -z "$notebook" ]]; then
    notebook="$out/lab1.ipynb"
    scripts/run-lab.sh --transcript "$notebook" --no-timing >/dev/null
fi
[[ -f "$notebook" ]] || { echo "screenshot: no notebook '$notebook'" >&2; exit 1; }
[[ -n "$name" ]] || name="$(basename "$notebook" .ipynb)"

PYTHONWARNINGS=ignore jupyter nbconvert --to html --log-level=ERROR --output-dir "$out" --output "$name" "$notebook"
echo "screenshot: $out/$name.html"

# The parts (or the chosen cells) as small notebooks of their own, rendered and shot one by one.
parts_dir="$(mktemp -d)"
trap 'rm -rf "$parts_dir"' EXIT
python3 - "$notebook" "$parts_dir" "$cells" <<'PY'
import sys, nbformat
source, folder, wanted = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(source, as_version=4)

def write(cells, name):
    part = nbformat.v4.new_notebook(metadata=nb.metadata)
    part.cells = cells
    nbformat.write(part, f"{folder}/{name}.ipynb")

if wanted:
    counts = {int(n) for n in wanted.split(",")}
    chosen = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.execution_count in counts:
            if index > 0 and nb.cells[index - 1].cell_type == "markdown" and nb.cells[index - 1] not in chosen:
                chosen.append(nb.cells[index - 1])
            chosen.append(cell)
    write(chosen, "cells")
else:
    part, code_cells, number = [], 0, 1
    for cell in nb.cells:
        part.append(cell)
        if cell.cell_type == "code":
            code_cells += 1
        if code_cells == 3:
            write(part, f"part-{number}")
            part, code_cells, number = [], 0, number + 1
    if part:
        write(part, f"part-{number}")
PY

for part in "$parts_dir"/*.ipynb; do
    base="$(basename "$part" .ipynb)"
    PYTHONWARNINGS=ignore jupyter nbconvert --to html --log-level=ERROR --output-dir "$parts_dir" "$part"
    # A tall window: the page is cropped to its content afterwards. No network is needed (the page's
    # optional MathJax/require.js fail to load, which changes nothing here).
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size=1100,12000 --virtual-time-budget=5000 \
        --screenshot="$parts_dir/$base.png" "file://$(realpath "$parts_dir/$base.html")" >/dev/null 2>&1
    python3 - "$parts_dir/$base.png" "$out/$name-$base.png" <<'PY'
import sys
from PIL import Image, ImageChops
image = Image.open(sys.argv[1]).convert("RGB")
background = Image.new("RGB", image.size, image.getpixel((image.width - 1, image.height - 1)))
box = ImageChops.difference(image, background).getbbox()
if box:
    left, top, right, bottom = box
    image = image.crop((max(left - 12, 0), max(top - 12, 0), min(right + 12, image.width), min(bottom + 12, image.height)))
image.save(sys.argv[2], optimize=True)
PY
    echo "screenshot: $out/$name-$base.png"
done
