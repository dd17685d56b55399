"""Every message type a notebook front end sends, through jupyter_client and the installed kernelspec."""
from helpers import *

import tempfile
workdir = tempfile.mkdtemp(prefix="nnlab-kernel-cwd-")
os.makedirs(os.path.join(workdir, "data"))
open(os.path.join(workdir, "data", "train.csv"), "w").close()
km, kc = jupyter_client.manager.start_new_kernel(kernel_name="nnlab", startup_timeout=TIMEOUT, cwd=workdir)
try:
    info = kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]
    check(info["status"] == "ok" and info["protocol_version"] == "5.3", info)
    language = info["language_info"]
    check(language["name"] == "nnlab" and language["file_extension"] == ".nnl", language)
    check(language["mimetype"] == "text/x-nnlab", language)

    # The lexer named for highlighting (nbconvert's HTML) knows nnlab's comments, strings and numbers.
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Comment, Error, Number, String
    tokens = list(get_lexer_by_name(language["pygments_lexer"]).get_tokens(
        '# a comment\nlet lr = 1e-3\nload csv "train.csv" label=0\nfor a in [relu, tanh]\n  mlp 2 8 2 act=a\nend\n'))
    kinds = {t for t, _ in tokens}
    for kind in (Comment, String, Number):
        check(any(k in kind for k in kinds), "no %s token from the %s lexer: %s" % (kind, language["pygments_lexer"], tokens))
    check(not any(t in Error for t, _ in tokens), tokens)

    # execute: busy, execute_input, stream, idle; counts go up; state persists from cell to cell.
    reply, messages = run_cell(kc, "let width = 8\nprint width * 2")
    check(reply["status"] == "ok" and reply["execution_count"] == 1, reply)
    types = [t for t, _ in messages]
    check(types[0] == "status" and messages[0][1]["execution_state"] == "busy", types)
    check(types[1] == "execute_input" and messages[1][1]["execution_count"] == 1, messages[1])
    check(types[-1] == "status" and messages[-1][1]["execution_state"] == "idle", types)
    check(stdout_of(messages) == "16\n", messages)
    reply, messages = run_cell(kc, "seed 5\nload toy xor n=80\nmlp 2 {width} 2".replace("{width}", "width"))
    check(reply["status"] == "ok" and reply["execution_count"] == 2, reply)
    check("2-8-2" in stdout_of(messages), stdout_of(messages))

    # seed makes a notebook reproducible: the same cells after the same seed print the same numbers.
    first = stdout_of(run_cell(kc, "seed 5\nload toy xor n=80\nmlp 2 8 2\ntrain epochs=2 batch=8")[1])
    again = stdout_of(run_cell(kc, "seed 5\nload toy xor n=80\nmlp 2 8 2\ntrain epochs=2 batch=8")[1])
    strip = lambda text: [line.rsplit("  ", 1)[0] for line in text.splitlines() if line.startswith("epoch")]
    check(strip(first) == strip(again) and strip(first), (first, again))

    # A chart is a figure: one display_data with the SVG and the chart's text, nothing of it on stdout.
    reply, messages = run_cell(kc, "plot loss")
    displays = [c for t, c in messages if t == "display_data"]
    check(reply["status"] == "ok" and len(displays) == 1, messages)
    check(sorted(displays[0]["data"]) == ["image/svg+xml", "text/plain"] and displays[0]["metadata"] == {}, displays)
    check(displays[0]["data"]["image/svg+xml"].startswith("<svg ") and "epoch" in displays[0]["data"]["text/plain"], displays)
    check(stdout_of(messages) == "", "the chart is not printed as well: %r" % stdout_of(messages))
    # Text and figures arrive in the order the cell made them.
    reply, messages = run_cell(kc, 'print "before"\nplot loss\nprint "after"')
    shown = [(t, c.get("text", "").strip()) for t, c in messages if t in ("stream", "display_data")]
    check(shown == [("stream", "before"), ("display_data", ""), ("stream", "after")], shown)

    # silent: nothing on IOPub but status, no count.
    reply, messages = run_cell(kc, "print 1", silent=True)
    check(reply["status"] == "ok" and [t for t, _ in messages] == ["status", "status"], messages)

    # An error: the located nnlab error as the traceback, in the reply and as an error output.
    reply, messages = run_cell(kc, "print 1\ntrian epochs=1")
    check(reply["status"] == "error" and reply["ename"] == "ScriptError", reply)
    check(reply["traceback"][0] == "In[%d]:2:1: error: unknown command 'trian'" % reply["execution_count"], reply)
    check(" 2 | trian epochs=1" in reply["traceback"] and "  = did you mean 'train'?" in reply["traceback"], reply)
    errors = [c for t, c in messages if t == "error"]
    check(len(errors) == 1 and errors[0]["traceback"] == reply["traceback"], messages)
    check(stdout_of(messages) == "1\n", "what ran before the error is shown: %r" % stdout_of(messages))
    reply, messages = run_cell(kc, "print 1\nprint )")
    check(reply["status"] == "error" and stdout_of(messages) == "", "a cell that does not parse runs nothing: %r" % messages)

    # is_complete: a `for` without its `end` is incomplete.
    def is_complete(code):
        return shell_reply(kc, kc.is_complete(code))
    check(is_complete("for lr in [0.1, 0.01]\n  print lr") == {"status": "incomplete", "indent": "  "}, is_complete("for x in [1]"))
    check(is_complete("for lr in [0.1]\n  print lr\nend")["status"] == "complete", "complete loop")
    check(is_complete("print )")["status"] == "invalid", is_complete("print )"))
    check(is_complete("mlp [784,")["status"] == "incomplete", "an open list goes on")

    # complete: commands, option keys; cursor positions in code points.
    reply = kc.complete("tra", 3, reply=True, timeout=TIMEOUT)["content"]
    check(reply["status"] == "ok" and "train" in reply["matches"] and reply["cursor_start"] == 0 and reply["cursor_end"] == 3, reply)
    reply = kc.complete("# ünï\ntrain ep", 14, reply=True, timeout=TIMEOUT)["content"]
    check(reply["matches"] == ["epochs="] and reply["cursor_start"] == 12 and reply["cursor_end"] == 14, reply)
    # ... layer kinds, activations, variables and file paths, each with its kind for JupyterLab.
    def matches(code):
        reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        kinds = {t["text"]: t["type"] for t in reply["metadata"]["_jupyter_types_experimental"]}
        return reply["matches"], kinds
    found, kinds = matches("layer le")
    check(found == ["leaky_relu"], found)
    found, kinds = matches("mlp 2 4 2 act=")
    check({"relu", "tanh", "sigmoid", "width"} <= set(found) and kinds["width"] == "variable", (found, kinds))
    found, kinds = matches("print wi")
    check(found == ["width"], found)
    found, kinds = matches("load csv da")
    check(found == ["data/"] and kinds["data/"] == "path", (found, kinds))
    found, _ = matches("load csv data/")
    check(found == ["data/train.csv"], found)

    # inspect: the `help` text of the command at the cursor.
    reply = kc.inspect("train epochs=3", 2, reply=True, timeout=TIMEOUT)["content"]
    check(reply["status"] == "ok" and reply["found"] and reply["data"]["text/plain"].startswith("usage: train"), reply)
    reply = kc.inspect("zzz", 1, reply=True, timeout=TIMEOUT)["content"]
    check(reply["status"] == "ok" and not reply["found"], reply)

    check(kc.history(reply=True, timeout=TIMEOUT)["content"] == {"status": "ok", "history": []}, "history")
    check(kc.comm_info(reply=True, timeout=TIMEOUT)["content"] == {"status": "ok", "comms": {}}, "comm_info")

    # comm_open without a target: the kernel closes the comm on IOPub.
    msg = kc.session.msg("comm_open", dict(comm_id="c1", target_name="jupyter.widget", data={}))
    kc.shell_channel.send(msg)
    deadline = time.time() + TIMEOUT
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["msg_type"] == "comm_close":
            check(m["content"]["comm_id"] == "c1", m)
            break

    # An unknown request gets an error reply, and the session is intact.
    msg = kc.session.msg("frobnicate_request", {})
    kc.shell_channel.send(msg)
    reply = shell_reply(kc, msg["header"]["msg_id"])
    check(reply["status"] == "error" and reply["ename"] == "UnknownMessageType", reply)
    reply, messages = run_cell(kc, "print width")
    check(stdout_of(messages) == "8\n", messages)

    # `exit` asks a console to leave; the session goes on.
    reply, _ = run_cell(kc, "exit")
    check(reply["payload"] == [{"source": "ask_exit", "keepkernel": False}], reply)
    reply, messages = run_cell(kc, "print 1\nprint 2")
    check(stdout_of(messages) == "1\n2\n", messages)

    # shutdown_request with restart: a fresh kernel and a fresh session.
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    reply, messages = run_cell(kc, "vars")
    check(reply["status"] == "ok" and reply["execution_count"] == 1, reply)
    check("no variables" in stdout_of(messages), messages)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    import shutil
    shutil.rmtree(workdir, ignore_errors=True)
check(not km.is_alive(), "the kernel stopped on shutdown_request")
print("ok")
