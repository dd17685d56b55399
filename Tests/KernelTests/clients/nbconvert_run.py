"""`jupyter nbconvert --to notebook --execute` runs a small assignment with the nnlab kernel; the result
validates, has the outputs, and `nnlab check` finds them to be what the code produces."""
import subprocess
from helpers import *
import nbformat

directory = sys.argv[1]
script = os.path.join(directory, "assignment.nnl")
with open(os.path.join(directory, "points.csv"), "w") as f:
    f.write("label,x,y\n" + "".join("%d,%.2f,%.2f\n" % (i % 2, (i % 2) * 2 - 1 + i * 0.01, i * 0.03 - 0.3) for i in range(24)))
with open(script, "w") as f:
    f.write("""# %% [markdown]
# # Assignment 1
# Train a small network on the points.

# %% Data
seed 11
load csv points.csv label=label
split val=0.25

# %% Model
mlp 2 4 2 act=tanh
summary

# %% Train
optimizer sgd lr=0.1
train epochs=3 batch=4
eval val
plot loss

# %% [markdown]
# Your answer here.
""")
notebook = os.path.join(directory, "assignment.ipynb")
subprocess.run([NNLAB, "convert", script, notebook], check=True, timeout=TIMEOUT)
executed = os.path.join(directory, "executed.ipynb")
result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", notebook, "--output", executed,
                         "--ExecutePreprocessor.timeout=60"], cwd=directory, capture_output=True, text=True, timeout=120)
check(result.returncode == 0, "nbconvert failed:\n" + result.stdout + result.stderr)

nb = nbformat.read(executed, as_version=4)
nbformat.validate(nb)
check(nb.metadata.kernelspec.name == "nnlab" and nb.metadata.language_info.name == "nnlab", nb.metadata)
code = [c for c in nb.cells if c.cell_type == "code"]
check([c.execution_count for c in code] == [1, 2, 3], [c.execution_count for c in code])
check([c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code", "markdown"], "markdown kept")
text = ["".join(o.get("text", "") for o in c.outputs) for c in code]
check(text[0].startswith("seed 11\n"), text[0])
check("parameters" in text[1] or "params" in text[1], text[1])
check("epoch 3/3" in text[2] and "val: accuracy" in text[2], text[2])
figures = [o for o in code[2].outputs if o.output_type == "display_data"]
check(len(figures) == 1 and figures[0].data["image/svg+xml"].startswith("<svg "), code[2].outputs)

# The teacher's check: these outputs are what this code produces.
check_run = subprocess.run([NNLAB, "check", executed], cwd=directory, capture_output=True, text=True, timeout=120)
check(check_run.returncode == 0, "nnlab check:\n" + check_run.stdout + check_run.stderr)
check("all 3 code cells match" in check_run.stdout, check_run.stdout)

# With --allow-errors a failing cell keeps its error output (the located nnlab error), and the rest runs.
broken = nbformat.read(notebook, as_version=4)
broken.cells[2].source = "mlp 2 4 2 act=tanhh"
nbformat.write(broken, notebook)
result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors", notebook,
                         "--output", executed], cwd=directory, capture_output=True, text=True, timeout=120)
check(result.returncode == 0, result.stderr)
nb = nbformat.read(executed, as_version=4)
nbformat.validate(nb)
errors = [o for o in nb.cells[2].outputs if o.output_type == "error"]
check(len(errors) == 1 and errors[0].ename == "ScriptError", nb.cells[2].outputs)
check(errors[0].traceback[0].startswith("In[2]:1:") and "tanhh" in "\n".join(errors[0].traceback), errors[0].traceback)
print("ok")
