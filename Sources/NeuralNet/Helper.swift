import Basics
import TensorCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A second thread for work that can run beside the training loop: it gathers the next batch from the sparse
/// training set while the loop goes on with this one, and takes half of the first layer's columns in its forward
/// and fused backward passes (`SparseLinear.splitColumns`).
///
/// Measured on the two vCPUs here: BLAS products run 1.8x faster on two threads than on one, and the lab MLP's
/// epoch takes 0.12 s instead of 0.18. What does not pay: two threads writing halves of the same rows (the
/// prefetchers pull each other's cache lines over, 2-17x slower), hence the layer's separate blocks per half.
/// Results do not depend on the helper: it makes the same calls the loop would, on data the loop is not using.
///
/// Hand-over must cost far less than a job (tens of microseconds), so both sides spin: the helper polls for
/// work for a while after each job (with the CPU's pause hint) before it sleeps on a semaphore, and `wait`
/// spins until the job is done. Between trainings the helper sleeps and costs nothing. A wait that outlasts a
/// job by far means the other thread is not running (the machine's cores are busy with other work): `wait`
/// then yields its core at each poll instead of spinning on it.
public final class Helper: @unchecked Sendable {
    /// The process's helper, or nil with fewer than two CPUs, or when NNLAB_THREADS=1 asks for one thread.
    public static let shared: Helper? = {
        if let value = getenv("NNLAB_THREADS"), String(cString: value) == "1" { return nil }
        return sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 ? Helper() : nil
    }()

    private let posted = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let owned = Atomic<Bool>(false)
    private let semaphore: UnsafeMutablePointer<sem_t>
    /// A queue of up to `capacity` jobs, each a closure and its argument: job number t (counting from 1) in
    /// slot (t - 1) % capacity, written by the caller before `posted` reaches t, read by the helper after.
    /// (Closures made once and an argument per job: posting allocates nothing. The slots are objects with a
    /// closure-typed property, not generic storage, which would wrap each closure in a new thunk.)
    private let capacity = 4
    private final class Slot {
        var work: ((Int) -> Void)?
        var argument = 0
    }
    private let slots: [Slot]
    /// How long the helper keeps polling after a job before it sleeps, in seconds.
    private let spinSeconds = 0.002

    private init() {
        slots = (0..<capacity).map { _ in Slot() }
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()  // the helper lives as long as the process
        pthread_create(&thread, nil, { context in
            if let context { Unmanaged<Helper>.fromOpaque(context).takeUnretainedValue().loop() }
            return nil
        }, context)
        pthread_detach(thread)
    }

    /// Claims the helper for one caller (a training run) until `release()`; false when someone else has it
    /// (that caller then works alone). `start` and `wait` are for the claimant only.
    public func claim() -> Bool {
        owned.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Waits for the last job, then gives the helper back.
    public func release() {
        wait()
        owned.store(false, ordering: .releasing)
    }

    /// Queues `work(argument)` for the helper, after the jobs already queued, and returns at once (unless the
    /// queue is full: then when there is room). Returns the job's number for `wait(for:)`; `wait()` before
    /// using what `work` writes.
    @discardableResult
    public func start(_ work: @escaping (Int) -> Void, _ argument: Int) -> Int {
        let ticket = posted.load(ordering: .relaxed) + 1
        var polls = 0
        while ticket - finished.load(ordering: .acquiring) > capacity { pause(&polls) }
        let slot = slots[(ticket - 1) % capacity]
        slot.work = work
        slot.argument = argument
        posted.store(ticket, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { sem_post(semaphore) }
        return ticket
    }

    /// True when job number `ticket` (and those before it) is done; does not wait.
    public func isDone(_ ticket: Int) -> Bool { finished.load(ordering: .acquiring) >= ticket }

    /// Returns when every job queued so far is done.
    public func wait() { wait(for: posted.load(ordering: .relaxed)) }

    /// Returns when job number `ticket` (and those before it) is done.
    public func wait(for ticket: Int) {
        var polls = 0
        while finished.load(ordering: .acquiring) < ticket { pause(&polls) }
    }

    /// One poll of a wait: the CPU's pause hint for the first few thousand (a few hundred microseconds, several
    /// jobs' worth), then the rest of this thread's time slice to whatever else wants the core.
    private func pause(_ polls: inout Int) {
        polls += 1
        if polls < 4096 { CPU.spinPause(); return }
        if polls == 4096 { lateWaits += 1 }
        sched_yield()
    }

    /// Waits that outlasted the spin, since the process started: each one a time the other thread was not
    /// running when it was needed. The claimant's (`start` and `wait` are only called from its thread).
    public private(set) var lateWaits = 0

    /// The share of late waits per step in the last epoch trained with the helper, and when it ended.
    private var lateness: (share: Double, at: Double)?

    /// Records how late the helper was in an epoch (late waits per step).
    public func noteLateness(_ share: Double) { lateness = (share, Clock.now) }

    /// True when the last epoch trained with the helper, less than 30 seconds ago, found it missing at more than
    /// one step in four: the machine's cores are busy with other work, and one thread trains faster.
    public var isBusy: Bool {
        guard let lateness else { return false }
        return lateness.share > 0.25 && Clock.now - lateness.at < 30
    }

    private func loop() {
        var seen = 0
        while true {
            var spins = 0
            var deadline = 0.0
            while posted.load(ordering: .acquiring) == seen {
                spins += 1
                if spins & 255 != 0 { CPU.spinPause(); continue }
                let now = Clock.now
                if deadline == 0 { deadline = now + spinSeconds; continue }
                if now < deadline { continue }
                // Nothing for a while: sleep until `start` posts the semaphore.
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) != seen {
                    // Work arrived meanwhile. If the caller already took the flag, it posts (or posted) the
                    // semaphore: consume that post so the count stays at zero.
                    if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { sem_wait(semaphore) }
                    break
                }
                while sem_wait(semaphore) != 0 {}  // EINTR: wait again
                deadline = 0
            }
            let slot = slots[seen % capacity]
            slot.work?(slot.argument)
            slot.work = nil  // let go of what the job captured before the caller can see it done
            seen += 1
            finished.store(seen, ordering: .releasing)
        }
    }
}
