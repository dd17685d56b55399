import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real `nnlab` binary driven through a pseudo-terminal, the way a student at a terminal uses it:
/// readline editing and completion, Ctrl-C (the terminal's INTR character, so the kernel sends SIGINT)
/// during training and at the prompt, Ctrl-D to leave, history written on the way out.
final class PseudoTerminalTests: XCTestCase {
    /// The binary SwiftPM built next to the test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nnlab").path
    }

    func startSession(_ scratch: Scratch) throws -> Terminal {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw XCTSkip("no nnlab binary at \(Self.binary): build it first (swift build)")
        }
        return try Terminal(executable: Self.binary, arguments: [], environment: [
            "HOME": scratch.path, "NNLAB_HISTORY": scratch.file("history"), "TERM": "xterm", "LANG": "C.UTF-8",
            "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
        ])
    }

    func testCtrlCStopsTrainingKeepsTheModelAndCtrlDLeavesCleanly() throws {
        let scratch = Scratch()
        let t = try startSession(scratch)
        defer { t.kill() }
        try t.expect("nnlab> ")
        // Tab completes a command name through readline.
        t.send("summ\t\r")
        try t.expect("no model yet")
        try t.expect("nnlab> ")
        t.send("seed 7\rload toy circle n=2000 noise=0.1\rmlp 2 16 2 act=tanh\r")
        try t.expect("parameters")
        try t.expect("nnlab> ")
        t.send("optimizer sgd lr=0.05 momentum=0.9\rtrain epochs=10000 batch=16\r")
        try t.expect("training 'mlp' on 1,000 samples")
        // Two whole epochs trained (the progress line is in the third), however slowly: then Ctrl-C.
        try t.expect("epoch 3/10000 ")
        t.send("\u{03}")  // Ctrl-C, turned into SIGINT by the terminal
        try t.expect("the model keeps its current weights")
        try t.expect("nnlab> ")
        // The session and the trained weights are still there.
        t.send("eval train\r")
        let evaluated = try t.expect("nnlab> ")
        let accuracy = try XCTUnwrap(evaluated.range(of: #"train: accuracy (\d+\.\d\d)%"#, options: .regularExpression),
                                     "eval after Ctrl-C: \(evaluated)")
        let value = Double(evaluated[accuracy].dropFirst("train: accuracy ".count).dropLast()) ?? 0
        XCTAssertGreaterThan(value, 80, "a circle net trained for a while beats chance: \(evaluated)")
        // Ctrl-C at the prompt drops the half-typed line and gives a fresh prompt.
        t.send("print 12345")
        try t.expect("12345")
        t.send("\u{03}")
        try t.expect("nnlab> ")
        t.send("print 67890\r")
        let printed = try t.expect("nnlab> ")
        XCTAssertTrue(printed.contains("67890\r\n"), printed)
        XCTAssertFalse(t.transcript.contains("\n12345\r\n"), "the discarded line never ran")
        // Tab completes an option's value from the layer table (readline breaks the word at '=').
        t.send("mlp 3 4 2 act=leaky_r\t\r")
        try t.expect("3-4-2 leaky_relu MLP")
        try t.expect("nnlab> ")
        // A mistake is reported and the session goes on; Ctrl-D at an empty prompt then exits with 0.
        t.send("trian\r")
        try t.expect("did you mean 'train'")
        try t.expect("nnlab> ")
        t.send("\u{04}")
        let status = try t.waitForExit()
        XCTAssertEqual(status, 0, "Ctrl-D leaves cleanly: \(t.transcript.suffix(300))")
        let history = try String(contentsOfFile: scratch.file("history"), encoding: .utf8)
        XCTAssertTrue(history.contains("train epochs=10000 batch=16\neval train\n"), history)
        XCTAssertFalse(history.contains("12345"), "a line dropped with Ctrl-C is not history")
    }

    func testCtrlCEndsASweepBetweenRunsAndCtrlDInsideABlockReportsIt() throws {
        let scratch = Scratch()
        let t = try startSession(scratch)
        defer { t.kill() }
        try t.expect("nnlab> ")
        t.send("load toy xor n=400\rfor lr in [0.1, 0.01, 0.001]\r")
        try t.expect("...> ")
        t.send("mlp 2 8 2 name=s\rtrain epochs=10000 batch=4\rend\r")
        try t.expect("training 's'")
        try t.expect("epoch 2/10000 ")
        t.send("\u{03}")
        try t.expect("the model keeps its current weights")
        let after = try t.expect("nnlab> ")
        XCTAssertFalse(after.contains("training 's'"), "the sweep stops, the next iterations do not start: \(after)")
        XCTAssertEqual(t.transcript.components(separatedBy: "training 's'").count, 2, "one run started")
        // An unfinished block at Ctrl-D is reported, and leaving is still clean.
        t.send("for x in [1]\r")
        try t.expect("...> ")
        t.send("\u{04}")
        try t.expect("'for' loop is missing its 'end'")
        XCTAssertEqual(try t.waitForExit(), 0)
    }
}

/// A child process on the slave side of a pseudo-terminal, in its own session with that terminal as its
/// controlling terminal (so ^C and ^D mean what they mean at a real terminal).
final class Terminal {
    let master: Int32
    private(set) var pid: pid_t = 0
    /// Everything the child wrote, as bytes (a read can end inside a UTF-8 character), and how much of it
    /// `expect` has consumed.
    private var output: [UInt8] = []
    private var consumed = 0
    /// Everything the child wrote, as text.
    var transcript: String { String(decoding: output, as: UTF8.self) }

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        // posix_openpt/unlockpt/ptsname as Linux implements them (Swift's Glibc module leaves them out).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0,
              ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw TerminalError("cannot open a pseudo-terminal: errno \(errno)")
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // setsid() in the child, then the first terminal it opens becomes its controlling terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80 /* POSIX_SPAWN_SETSID */))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TerminalError("posix_spawn \(executable) failed: \(rc)") }
    }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads until `text` appears after what earlier calls consumed; returns the output up to and including it.
    /// Tests wait for what the program shows, never for a time: `timeout` only bounds a program that hangs, and
    /// is generous for a loaded machine.
    @discardableResult
    func expect(_ text: String, timeout: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let wanted = Array(text.utf8)
        while true {
            if let range = output[consumed...].firstRange(of: wanted) {
                let chunk = String(decoding: output[consumed..<range.upperBound], as: UTF8.self)
                consumed = range.upperBound
                return chunk
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw TerminalError("timed out waiting for \"\(text)\"; the terminal shows:\n\(transcript.suffix(1500))")
            }
            guard readSome(timeout: min(left, 1)) else {
                throw TerminalError("the program ended before \"\(text)\"; it wrote:\n\(transcript.suffix(1500))")
            }
        }
    }

    /// False once the child has closed the terminal.
    private func readSome(timeout: Double) -> Bool {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&fds, 1, Int32(timeout * 1000))
        if ready <= 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress!, $0.count) }
        if n <= 0 { return false }
        output += buffer[0..<n]
        return true
    }

    /// The exit status once the child ends (draining its output meanwhile); -signal if it was killed.
    func waitForExit(timeout: Double = 60) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                pid = 0
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : -signal
            }
            _ = readSome(timeout: 0.05)
        }
        throw TerminalError("still running after \(timeout) s; the terminal shows:\n\(transcript.suffix(1500))")
    }

    func kill() {
        if pid > 0 {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            pid = 0
        }
        close(master)
    }
}

struct TerminalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
