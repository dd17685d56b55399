import Basics
import Charts
import CZMQ
import Foundation
import REPL
import Script
import Transcript
#if canImport(Glibc)
import Glibc
#endif

/// `nnlab kernel -f CONNECTION_FILE`: nnlab as a Jupyter kernel (messaging protocol 5.3 over ZeroMQ).
///
/// One loop reads requests from the control and shell channels, control first. Each request is answered by
/// `respond`, which returns the reply as a value; `serve` wraps it in the busy/idle status every request gets
/// on IOPub and sends it back to whoever asked. A cell runs through `Interpreter.runCell` as at the prompt:
/// what the console prints goes out as `stream` messages while the cell runs, each chart as a `display_data`
/// message (SVG with the chart's text, the bundle a notebook stores), the language's located error
/// as an `error` message whose traceback is what the terminal shows. While a cell runs, the interpreter's
/// `shouldStop` poll (once per training batch) also serves the control channel, so interrupt_request and
/// shutdown_request take effect mid-training; SIGINT does the same. Heartbeats are echoed by a thread of their own.
public final class Kernel {
    enum Channel: String { case shell, control }

    /// A reply as a value: its type, content and what the loop does after sending it.
    struct Reply {
        enum Effect { case none, shutdown }
        var type: String
        var content: JSONValue
        var effect: Effect = .none
    }

    /// Cells larger than this are refused (an error reply), not parsed: no lab cell comes near it.
    static let maxCellBytes = 4 << 20
    /// Larger frames make ZeroMQ drop the sender's connection before the message reaches the kernel.
    static let maxMessageBytes: Int64 = 64 << 20

    private let context: ZMQContext
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let iopub: ZMQSocket
    private let heartbeat: Heartbeat
    private let session: Session
    private let output: OutputStreams
    let interpreter: Interpreter
    private let log: (String) -> Void
    /// The endpoints bound, in the order shell, iopub, stdin, control, heartbeat.
    public let endpoints: [String]

    private var executionCount = 0
    private var stopping = false
    /// The execute_request whose outputs are published (nil between cells and for silent ones).
    private var executing: Message?
    /// A cell is running (the control channel is then served from inside it).
    private var running = false
    private var lastBusyPoll = 0.0
    /// Shell requests read while aborting the executions queued behind a failed cell, served next.
    private var deferred: [Message] = []
    private let loopThread = pthread_self()
    /// The process that started us, when it asked to be watched (jupyter_client sets JPY_PARENT_PID): once it
    /// is gone nobody can reach or stop this kernel, so it stops itself, as ipykernel does.
    private let watchedParent: pid_t? = ProcessInfo.processInfo.environment["JPY_PARENT_PID"] != nil ? getppid() : nil

    /// Binds every channel of `connection`, and nothing else; throws the reason when one cannot be bound.
    public init(connection: ConnectionInfo, log: @escaping (String) -> Void) throws(ConnectionInfo.Failure) {
        self.log = log
        session = Session(key: connection.key)
        do {
            context = try ZMQContext()
            shell = try ZMQSocket(context, type: ZMQ_ROUTER)
            control = try ZMQSocket(context, type: ZMQ_ROUTER)
            stdin = try ZMQSocket(context, type: ZMQ_ROUTER)
            iopub = try ZMQSocket(context, type: ZMQ_PUB)
            let hb = try ZMQSocket(context, type: ZMQ_ROUTER)
            for socket in [shell, control, stdin, hb] {
                socket.set(ZMQ_MAXMSGSIZE, Kernel.maxMessageBytes)
                // A client that reconnects with the same identity takes over its old connection.
                socket.set(ZMQ_ROUTER_HANDOVER, Int32(1))
            }
            // What is still queued at shutdown (the shutdown reply, the last outputs) gets a second to leave.
            for socket in [shell, control, stdin, iopub, hb] { socket.set(ZMQ_LINGER, Int32(1000)) }
            var bound: [String] = []
            for (socket, port) in [(shell, connection.shellPort), (iopub, connection.iopubPort), (stdin, connection.stdinPort),
                                   (control, connection.controlPort), (hb, connection.heartbeatPort)] {
                bound.append(try socket.bind(connection.endpoint(port)))
            }
            endpoints = bound
            heartbeat = Heartbeat(socket: hb)
        } catch {
            throw ConnectionInfo.Failure(description: "cannot start the kernel: \(error)")
        }
        output = OutputStreams()
        let console = Console(echo: true, isTerminal: false, standardOutput: { [output] in output.write("stdout", $0) },
                              standardError: { [output] in output.write("stderr", $0) })
        interpreter = Interpreter(console: console)
        // Notebooks show Unicode whatever the kernel's locale; no ANSI colour in transcripts.
        interpreter.fixedChartOptions = ChartOptions.notebook()
        output.publish = { [unowned self] name, text in
            guard let parent = executing else { return }
            publish("stream", .object(["name": .string(name), "text": .string(text)]), parent: parent)
        }
        // A chart is a figure: SVG with its text as display_data, after the text printed before it.
        console.figureSink = { [unowned self] figure in
            output.flush()
            guard let parent = executing else { return }
            publish("display_data", .object(["data": .object(figure.mimeBundle.mapValues { .string($0) }), "metadata": .object([:])]),
                    parent: parent)
        }
        interpreter.shouldStop = { [unowned self] in checkWhileBusy() }
    }

    /// Serves requests until a shutdown_request; returns the exit status.
    public func run() -> Int32 {
        Interrupt.install(repeatedInterruptKills: false)
        heartbeat.start()
        log("nnlab kernel \(Interpreter.version) listening on \(endpoints.joined(separator: " "))")
        publish("status", .object(["execution_state": .string("starting")]), parent: nil)
        while !stopping {
            if !deferred.isEmpty {
                serve(deferred.removeFirst(), on: .shell)
                continue
            }
            let ready = ZMQPoll.readable([control, shell, stdin], timeout: 500)
            if ready[0], let frames = control.receive() {
                serve(frames, on: .control)
                continue  // control again before the next shell request
            }
            if ready[1], let frames = shell.receive() { serve(frames, on: .shell) }
            if ready[2], stdin.receive() != nil { log("dropped a message on stdin: nnlab never asks for input") }
            if let parent = watchedParent, getppid() != parent {
                log("the process that started the kernel is gone; stopping")
                stopping = true
            }
        }
        output.flush()
        heartbeat.stop()
        for socket in [shell, control, stdin, iopub] { socket.close() }
        context.terminate()
        log("nnlab kernel stopped")
        return 0
    }

    // MARK: the loop's steps

    /// Decodes one request, answers it between busy and idle, and carries out the reply's effect. What does
    /// not decode (bad signature, not JSON, no header) is dropped and logged.
    private func serve(_ frames: [[UInt8]], on channel: Channel) {
        do { serve(try session.decode(frames), on: channel) } catch {
            log("dropped a message on \(channel.rawValue): \(error)")
        }
    }

    private func serve(_ request: Message, on channel: Channel) {
        publish("status", .object(["execution_state": .string("busy")]), parent: request)
        let reply = respond(to: request, on: channel)
        if let reply {
            let socket = channel == .control ? control : shell
            socket.send(session.encode(session.message(reply.type, content: reply.content, parent: request)))
        }
        publish("status", .object(["execution_state": .string("idle")]), parent: request)
        if reply?.effect == .shutdown { stopping = true }
    }

    /// The reply to one request, as a value (nil for the messages that have none).
    func respond(to request: Message, on channel: Channel) -> Reply? {
        let content = request.content
        switch request.type {
        case "kernel_info_request":
            return Reply(type: "kernel_info_reply", content: kernelInfo)
        case "execute_request":
            guard !running else {
                return Reply(type: "execute_reply", content: errorContent("Busy", "a cell is running; send execute_request on the shell channel"))
            }
            return execute(request)
        case "is_complete_request":
            switch Interpreter.completeness(of: content["code"]?.stringValue ?? "") {
            case .complete: return Reply(type: "is_complete_reply", content: .object(["status": .string("complete")]))
            case .incomplete: return Reply(type: "is_complete_reply", content: .object(["status": .string("incomplete"), "indent": .string("  ")]))
            case .invalid: return Reply(type: "is_complete_reply", content: .object(["status": .string("invalid")]))
            }
        case "complete_request":
            return Reply(type: "complete_reply", content: complete(content["code"]?.stringValue ?? "", cursor: content["cursor_pos"]?.intValue))
        case "inspect_request":
            return Reply(type: "inspect_reply", content: inspect(content["code"]?.stringValue ?? "", cursor: content["cursor_pos"]?.intValue))
        case "history_request":
            return Reply(type: "history_reply", content: .object(["status": .string("ok"), "history": .array([])]))
        case "comm_info_request":
            return Reply(type: "comm_info_reply", content: .object(["status": .string("ok"), "comms": .object([:])]))
        case "interrupt_request":
            Interrupt.request()
            return Reply(type: "interrupt_reply", content: .object(["status": .string("ok")]))
        case "shutdown_request":
            // Whatever runs stops at its next poll; a restart is the client's to do (it starts a new process).
            Interrupt.request()
            let restart = content["restart"]?.boolValue ?? false
            return Reply(type: "shutdown_reply", content: .object(["status": .string("ok"), "restart": .bool(restart)]), effect: .shutdown)
        case "comm_open":
            // No comm targets: say the comm is closed, as kernels without widgets do.
            if let id = content["comm_id"]?.stringValue {
                publish("comm_close", .object(["comm_id": .string(id), "data": .object([:])]), parent: request)
            }
            return nil
        case "comm_msg", "comm_close":
            return nil
        default:
            log("unknown message type '\(request.type)' on \(channel.rawValue)")
            guard request.type.hasSuffix("_request") else { return nil }
            let replyType = String(request.type.dropLast("_request".count)) + "_reply"
            return Reply(type: replyType, content: errorContent("UnknownMessageType", "nnlab does not handle '\(request.type)'"))
        }
    }

    // MARK: requests

    var kernelInfo: JSONValue {
        .object([
            "status": .string("ok"),
            "protocol_version": .string(Session.protocolVersion),
            "implementation": .string("nnlab"),
            "implementation_version": .string(Interpreter.version),
            "language_info": LanguageInfo.json(version: Interpreter.version),
            "banner": .string("nnlab \(Interpreter.version): data, models, training and charts for learning neural networks. Type 'help' for the commands."),
            "debugger": .bool(false),
            "help_links": .array([]),
        ])
    }

    private func execute(_ request: Message) -> Reply {
        let content = request.content
        let code = content["code"]?.stringValue ?? ""
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = !silent && (content["store_history"]?.boolValue ?? true)
        let stopOnError = content["stop_on_error"]?.boolValue ?? true
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent {
            publish("execute_input", .object(["code": .string(code), "execution_count": .integer(Int64(count))]), parent: request)
        }
        var errors: [ScriptError] = []
        if code.utf8.count > Kernel.maxCellBytes {
            errors = [ScriptError("this cell is \(code.utf8.count >> 20) MB; nnlab runs cells up to \(Kernel.maxCellBytes >> 20) MB")]
        } else {
            Interrupt.clear()
            running = true
            executing = silent ? nil : request
            output.reset()
            errors = interpreter.runCell(code).errors
            output.flush()
            executing = nil
            running = false
            Interrupt.clear()
        }
        var payload: [JSONValue] = []
        if interpreter.finished {
            // `exit` in a cell: a console front end leaves; the session itself goes on.
            payload.append(.object(["source": .string("ask_exit"), "keepkernel": .bool(false)]))
            interpreter.resume()
        }
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard let (_, entry) = Diagnostic.cellError(errors, file: "In[\(count)]", sourceLines: lines) else {
            return Reply(type: "execute_reply", content: .object([
                "status": .string("ok"), "execution_count": .integer(Int64(count)), "payload": .array(payload),
                "user_expressions": userExpressions(content["user_expressions"]),
            ]))
        }
        let name = entry.name, value = entry.message
        // Jupyter shows the traceback alone: the message is its first line.
        let traceback = ([entry.message] + entry.traceback).map { JSONValue.string($0) }
        if !silent {
            publish("error", .object(["ename": .string(name), "evalue": .string(value), "traceback": .array(traceback)]), parent: request)
        }
        // Before the reply goes out: what the client sends once it sees the error is not aborted.
        if stopOnError { abortQueuedExecutions() }
        return Reply(type: "execute_reply", content: .object([
            "status": .string("error"), "execution_count": .integer(Int64(count)),
            "ename": .string(name), "evalue": .string(value), "traceback": .array(traceback),
        ]))
    }

    /// nnlab has no expressions to evaluate outside commands: each one asked for gets an error result.
    private func userExpressions(_ asked: JSONValue?) -> JSONValue {
        var results: [String: JSONValue] = [:]
        for name in asked?.objectValue?.keys.sorted() ?? [] {
            results[name] = errorContent("NotSupported", "nnlab evaluates no user expressions")
        }
        return .object(results)
    }

    /// After a failed cell, the executions already queued behind it are answered "aborted" without running,
    /// as ipykernel does: "Run All" stops at the first error. Other requests found there are served next.
    /// Requests still on their way get 50 ms to arrive: the client has not seen the failed cell's reply yet,
    /// so whatever comes in that time was sent before it.
    private func abortQueuedExecutions() {
        while ZMQPoll.readable([shell], timeout: 50)[0], let frames = shell.receive() {
            let request: Message
            do { request = try session.decode(frames) } catch {
                log("dropped a message on shell: \(error)")
                continue
            }
            guard request.type == "execute_request" else {
                deferred.append(request)
                continue
            }
            publish("status", .object(["execution_state": .string("busy")]), parent: request)
            shell.send(session.encode(session.message("execute_reply", content: .object([
                "status": .string("aborted"), "execution_count": .integer(Int64(executionCount)),
            ]), parent: request)))
            publish("status", .object(["execution_state": .string("idle")]), parent: request)
        }
    }

    /// The interpreter's poll while a cell runs (each training batch): flushes output now and then, serves
    /// the control channel, and says whether to stop (interrupt, shutdown, Ctrl-C).
    private func checkWhileBusy() -> Bool {
        // Only the loop's thread touches the sockets; a helper thread that polls sees the flag alone.
        guard pthread_equal(pthread_self(), loopThread) != 0 else { return Interrupt.isRequested }
        let now = Clock.now
        if now - lastBusyPoll >= 0.02 {
            lastBusyPoll = now
            output.flush(olderThan: 0.1)
            while let frames = control.receive() { serve(frames, on: .control) }
        }
        return Interrupt.isRequested || stopping
    }

    // MARK: completion and help

    /// The words that fit at the cursor (the language's own completion, as Tab at the prompt), and the range of
    /// code they replace; positions count Unicode scalars, as the protocol does since 5.2. Each match's kind
    /// (command, option, value, variable, path...) goes where JupyterLab shows it.
    private func complete(_ code: String, cursor: Int?) -> JSONValue {
        let scalars = Array(code.unicodeScalars)
        let end = min(max(0, cursor ?? scalars.count), scalars.count)
        let completion = interpreter.complete(String(String.UnicodeScalarView(scalars[..<end])))
        let types: [JSONValue] = completion.candidates.map { candidate in
            .object(["start": .integer(Int64(completion.start)), "end": .integer(Int64(end)),
                     "text": .string(candidate.text), "type": .string(candidate.kind.rawValue)])
        }
        return .object([
            "status": .string("ok"),
            "matches": .array(completion.candidates.map { .string($0.text) }),
            "cursor_start": .integer(Int64(completion.start)),
            "cursor_end": .integer(Int64(end)),
            "metadata": .object(["_jupyter_types_experimental": .array(types)]),
        ])
    }

    /// `help` for the word at the cursor, else for the command of the statement the cursor is in.
    private func inspect(_ code: String, cursor: Int?) -> JSONValue {
        let scalars = Array(code.unicodeScalars)
        let position = min(max(0, cursor ?? scalars.count), scalars.count)
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" }
        var start = position, end = position
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
        var candidates = [String(String.UnicodeScalarView(scalars[start..<end]))]
        var lineStart = start
        while lineStart > 0, scalars[lineStart - 1] != "\n", scalars[lineStart - 1] != ";" { lineStart -= 1 }
        let statement = String(String.UnicodeScalarView(scalars[lineStart..<position]))
        if let first = statement.split(separator: " ").first { candidates.append(String(first)) }
        for word in candidates where !word.isEmpty {
            if let help = Interpreter.helpText(for: word) {
                return .object(["status": .string("ok"), "found": .bool(true),
                                "data": .object(["text/plain": .string(help)]), "metadata": .object([:])])
            }
        }
        return .object(["status": .string("ok"), "found": .bool(false), "data": .object([:]), "metadata": .object([:])])
    }

    // MARK: sending

    private func publish(_ type: String, _ content: JSONValue, parent: Message?) {
        iopub.send(session.encode(session.message(type, content: content, parent: parent), topic: type))
    }

    private func errorContent(_ name: String, _ value: String) -> JSONValue {
        .object(["status": .string("error"), "ename": .string(name), "evalue": .string(value), "traceback": .array([])])
    }
}

/// What a cell prints, gathered into `stream` messages: consecutive writes to the same stream go out
/// together, at most every 0.1 s while the cell runs (each epoch's line arrives as it is printed) and at its end.
final class OutputStreams {
    var publish: (String, String) -> Void = { _, _ in }
    private var name = "stdout"
    private var pending = ""
    private var since = 0.0

    func write(_ stream: String, _ text: String) {
        if stream != name { flush(); name = stream }
        if pending.isEmpty { since = Clock.now }
        pending += text
        if pending.utf8.count > 1 << 16 || Clock.now - since > 0.1 { flush() }
    }

    func flush(olderThan age: Double = 0) {
        guard !pending.isEmpty, Clock.now - since >= age else { return }
        let text = pending
        pending = ""
        publish(name, text)
    }

    func reset() { pending = "" }
}
