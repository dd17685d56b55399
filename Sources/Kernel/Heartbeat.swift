import CZMQ
import Dispatch
import Foundation
import Synchronization

/// The heartbeat channel: every message that arrives is sent straight back. It has a thread of its own
/// (as in ipykernel and xeus) so the kernel answers "alive" while a cell trains for minutes.
final class Heartbeat: @unchecked Sendable {
    private let socket: ZMQSocket
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(socket: ZMQSocket) { self.socket = socket }

    func start() {
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .relaxed) {
                // Wake every 100 ms to see whether the kernel is stopping.
                guard ZMQPoll.readable([socket], timeout: 100).first == true else { continue }
                while let frames = socket.receive() { socket.send(frames) }
            }
            socket.close()
            finished.signal()
        }
        thread.name = "nnlab heartbeat"
        thread.start()
    }

    /// Stops the echo and closes its socket (waits at most a second).
    func stop() {
        stopRequested.store(true, ordering: .relaxed)
        _ = finished.wait(timeout: .now() + 1)
    }
}
