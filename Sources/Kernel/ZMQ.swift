import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// What libzmq said when a call failed, in its words.
struct ZMQError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    static func last(_ call: String) -> ZMQError { ZMQError(call: call, code: zmq_errno()) }
    var description: String { "\(call): \(String(cString: zmq_strerror(code)))" }
}

/// A ZeroMQ context: owns the I/O thread every socket of the kernel shares.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("zmq_ctx_new") }
        self.handle = handle
    }

    /// Makes blocking calls on every socket return ETERM (the heartbeat's proxy stops).
    func shutdown() { zmq_ctx_shutdown(handle) }

    /// Waits until every socket is closed and its queued messages are sent (within each socket's linger).
    func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket. Not thread-safe: each socket is used by one thread only.
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var closed = false

    /// Frames past this many in one message are not kept: no protocol message has more than a handful.
    static let maxFrames = 1_000

    init(_ context: ZMQContext, type: Int32) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type) else { throw .last("zmq_socket") }
        self.handle = handle
    }

    func set(_ option: Int32, _ value: Int32) {
        var v = value
        zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size)
    }

    func set(_ option: Int32, _ value: Int64) {
        var v = value
        zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size)
    }

    /// Binds to `endpoint`; returns the endpoint actually bound (a port 0 or `*` becomes the one chosen).
    func bind(_ endpoint: String) throws(ZMQError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw .last("bind \(endpoint)") }
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return endpoint }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The next whole message (all its frames), or nil when none is waiting (`wait` false) or on an error.
    /// A message with more than `maxFrames` frames is read to its end and dropped.
    func receive(wait: Bool = false) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var tooMany = false
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let size = zmq_msg_recv(&message, handle, wait || !frames.isEmpty ? 0 : ZMQ_DONTWAIT)
            if size < 0 {
                if zmq_errno() == EINTR && !frames.isEmpty { continue }
                return nil
            }
            if frames.count < ZMQSocket.maxFrames {
                let data = zmq_msg_data(&message)
                frames.append(data.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(size))) } ?? [])
            } else {
                tooMany = true
            }
            if zmq_msg_more(&message) == 0 { break }
        }
        return tooMany ? nil : frames
    }

    /// Sends a multi-frame message without ever blocking: a peer that is gone or slow loses the message
    /// (ROUTER drops what it cannot route, PUB what exceeds its queue), the kernel goes on.
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool {
        for (position, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (position < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let result = frame.withUnsafeBytes { raw in zmq_send(handle, raw.baseAddress, raw.count, flags) }
            if result < 0 { return false }
        }
        return true
    }

    func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }
}

enum ZMQPoll {
    /// Waits up to `timeout` milliseconds (-1: forever) for input on `sockets`; returns which have some.
    /// A signal (Ctrl-C) ends the wait early with nothing ready.
    static func readable(_ sockets: [ZMQSocket], timeout: Int) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let count = items.count
        let result = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32(count), timeout) }
        guard result > 0 else { return Array(repeating: false, count: count) }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
