"""Interrupting a long training, by interrupt_request (the kernelspec's mode) and by SIGINT: training stops,
the model keeps its weights, the next cell works, and the heartbeat answered all along."""
import signal
from helpers import *

LONG_TRAIN = "train epochs=10000 batch=4"


def interrupt_training(km, kc, how):
    msg_id = kc.execute(LONG_TRAIN)
    deadline = time.time() + TIMEOUT
    # Wait until training has printed its first line, so the interrupt lands mid-training.
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream" and "epoch" in msg["content"]["text"]:
            break
    check(kc.hb_channel.is_beating(), "the heartbeat answers while a cell trains")
    sent = time.time()
    how()
    reply = shell_reply(kc, msg_id, timeout=TIMEOUT)
    check(reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply)
    check(time.time() - sent < 10, "the interrupt took %.1f s" % (time.time() - sent))
    text = ""
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    check("the model keeps its current weights" in text, text)


km, kc = start()
try:
    check(km.kernel_spec.interrupt_mode == "message", km.kernel_spec.interrupt_mode)
    reply, _ = run_cell(kc, "seed 2\nload toy circle n=2000\nmlp 2 16 2\noptimizer sgd lr=0.01 momentum=0.9")
    check(reply["status"] == "ok", reply)
    untrained = stdout_of(run_cell(kc, "eval test")[1])

    # interrupt_request on the control channel (what JupyterLab's stop button sends with this kernelspec).
    interrupt_training(km, kc, km.interrupt_kernel)
    reply, messages = run_cell(kc, "eval test")
    check(reply["status"] == "ok" and stdout_of(messages).startswith("test: accuracy"), (reply, messages))
    check(stdout_of(messages) != untrained, "the interrupted model kept what it learned: %s" % stdout_of(messages))

    # SIGINT, twice, as an impatient user's Ctrl-C in a console: it stops training and never kills the kernel.
    def sigint_twice():
        km.signal_kernel(signal.SIGINT)
        km.signal_kernel(signal.SIGINT)
    interrupt_training(km, kc, sigint_twice)
    check(km.is_alive(), "two SIGINTs did not kill the kernel")
    reply, messages = run_cell(kc, "summary")
    check(reply["status"] == "ok" and "total" in stdout_of(messages), messages)

    # An interrupt while idle is harmless: the next cell runs whole. The interrupt_request (what the stop button
    # sends) is answered before the cell is sent, so it cannot land inside the cell however slow the machine.
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    deadline = time.time() + TIMEOUT
    while True:
        answer = kc.get_control_msg(timeout=max(0.1, deadline - time.time()))
        if answer["parent_header"].get("msg_id") == request["header"]["msg_id"]:
            break
    check(answer["msg_type"] == "interrupt_reply" and answer["content"]["status"] == "ok", answer)
    reply, messages = run_cell(kc, "train epochs=1 batch=32")
    check(reply["status"] == "ok" and "done in" in stdout_of(messages), (reply, messages))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
print("ok")
