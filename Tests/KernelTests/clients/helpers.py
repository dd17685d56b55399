"""Shared by the kernel tests: start nnlab through its installed kernelspec (jupyter_client), or by hand
with a connection file of our own (raw ZeroMQ peers); every wait has a timeout."""
import hashlib, hmac, json, os, socket, subprocess, sys, time, uuid

import jupyter_client
import zmq

NNLAB = os.environ["NNLAB_BINARY"]
TIMEOUT = 30


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def start():
    """A kernel started the way JupyterLab starts one: from the kernelspec named in a notebook."""
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="nnlab", startup_timeout=TIMEOUT)
    return km, kc


def run_cell(kc, code, timeout=TIMEOUT, **options):
    """Executes `code`; returns (reply content, [(msg_type, content)] of its IOPub messages up to idle)."""
    msg_id = kc.execute(code, **options)
    messages = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append((msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return shell_reply(kc, msg_id, deadline - time.time()), messages


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def stdout_of(messages):
    return "".join(c["text"] for t, c in messages if t == "stream" and c["name"] == "stdout")


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class RawKernel:
    """nnlab started by hand on a connection file we wrote, with ZeroMQ sockets we drive frame by frame."""

    def __init__(self, directory, key="secret-key"):
        self.key = key.encode()
        ports = free_ports(5)
        self.info = dict(transport="tcp", ip="127.0.0.1", shell_port=ports[0], iopub_port=ports[1],
                         stdin_port=ports[2], control_port=ports[3], hb_port=ports[4], key=key,
                         signature_scheme="hmac-sha256", kernel_name="nnlab")
        self.connection_file = os.path.join(directory, "kernel-%s.json" % uuid.uuid4().hex[:8])
        with open(self.connection_file, "w") as f:
            json.dump(self.info, f)
        self.log_path = self.connection_file + ".log"
        self.log = open(self.log_path, "w")
        # JPY_PARENT_PID, as jupyter_client sets it: the kernel stops if this script dies.
        self.process = subprocess.Popen([NNLAB, "kernel", "-f", self.connection_file], stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=dict(os.environ, JPY_PARENT_PID=str(os.getpid())))
        self.context = zmq.Context()
        self.iopub = self.socket(zmq.SUB, "iopub_port")
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.shell = self.socket(zmq.DEALER, "shell_port")
        self.control = self.socket(zmq.DEALER, "control_port")
        self.session = uuid.uuid4().hex
        # Ready once a kernel_info_reply came back and IOPub delivers (the slow joiner of PUB/SUB).
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            self.send(self.shell, "kernel_info_request", {})
            reply = self.receive(self.shell, timeout=1)
            if reply and self.receive(self.iopub, timeout=0.5):
                return
        fail("the kernel did not answer kernel_info_request:\n" + self.output())

    def socket(self, kind, port_name):
        s = self.context.socket(kind)
        s.setsockopt(zmq.LINGER, 0)
        s.connect("tcp://127.0.0.1:%d" % self.info[port_name])
        return s

    def sign(self, parts, key=None):
        mac = hmac.new(self.key if key is None else key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()

    def frames(self, msg_type, content, key=None, header=None):
        header = header or dict(msg_id=uuid.uuid4().hex, session=self.session, username="test", date="2026-01-01T00:00:00Z",
                                msg_type=msg_type, version="5.3")
        parts = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content).encode()]
        return [b"<IDS|MSG>", self.sign(parts, key)] + parts, header["msg_id"]

    def send(self, sock, msg_type, content, key=None):
        frames, msg_id = self.frames(msg_type, content, key)
        sock.send_multipart(frames)
        return msg_id

    def receive(self, sock, timeout=TIMEOUT):
        """The next message on `sock` as a dict, or None after `timeout` seconds."""
        if not sock.poll(int(timeout * 1000)):
            return None
        frames = sock.recv_multipart()
        i = frames.index(b"<IDS|MSG>")
        signature, parts = frames[i + 1], frames[i + 2:i + 6]
        check(hmac.compare_digest(signature, self.sign(parts)), "a message from the kernel has a bad signature")
        header, parent, metadata, content = (json.loads(p) for p in parts)
        return dict(header=header, parent_header=parent, metadata=metadata, content=content, msg_type=header["msg_type"])

    def reply_to(self, msg_id, sock=None, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.receive(sock or self.shell, timeout=max(0.05, deadline - time.time()))
            if msg and msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None

    def execute(self, code, timeout=TIMEOUT):
        """Runs `code`; returns (reply content, stdout text)."""
        msg_id = self.send(self.shell, "execute_request", dict(code=code, silent=False, store_history=True,
                                                                user_expressions={}, allow_stdin=False))
        text = ""
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.receive(self.iopub, timeout=max(0.05, deadline - time.time()))
            if not msg or msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        reply = self.reply_to(msg_id, timeout=max(1, deadline - time.time()))
        check(reply is not None, "no execute_reply for %r:\n%s" % (code[:80], self.output()[-2000:]))
        return reply["content"], text

    def alive(self):
        return self.process.poll() is None

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.alive():
            msg_id = self.send(self.control, "shutdown_request", dict(restart=False))
            self.reply_to(msg_id, self.control, timeout=10)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.context.destroy(linger=0)
        self.log.close()
