import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGINT and SIGTERM handler, read by the REPL and by training loops. An atomic is lock-free, so
/// touching it from a signal handler is async-signal-safe.
private let interruptRequested = Atomic<Bool>(false)
/// False in the Jupyter kernel: a second interrupt there must not kill the session and its models.
private let repeatedInterruptKills = Atomic<Bool>(true)
/// Set by SIGTERM only, and never cleared: the run stops as after Ctrl-C, then nnlab leaves.
private let terminationRequested = Atomic<Bool>(false)

/// The handler: records the request; a second signal before the first was handled (a command that never
/// polls) falls back to the default action, so the user (or a process manager) can always get out.
private let handleInterrupt: @convention(c) (Int32) -> Void = { signalNumber in
    if signalNumber == SIGTERM { terminationRequested.store(true, ordering: .sequentiallyConsistent) }
    if interruptRequested.exchange(true, ordering: .sequentiallyConsistent)
        && (repeatedInterruptKills.load(ordering: .relaxed) || signalNumber == SIGTERM) {
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
    }
}

/// Ctrl-C (SIGINT) and SIGTERM handling shared by the prompt and long-running commands: instead of killing the
/// process, either sets a flag that the REPL, statements and training loops poll, so a script stops between
/// two steps, says where, and still writes its transcript. SIGTERM then ends nnlab, even at the prompt.
public enum Interrupt {
    /// Installs our own SIGINT handler (sigaction). SA_RESTART keeps ordinary reads and writes from
    /// failing with EINTR; the interactive prompt waits in pselect, which a signal always interrupts.
    /// `repeatedInterruptKills` false keeps the process alive through any number of interrupts (a kernel,
    /// whose client sends SIGINT and must never lose the session).
    public static func install(repeatedInterruptKills kills: Bool = true) {
        // Touch the globals first: their lazy initialisation must not happen inside the signal handler.
        _ = interruptRequested.load(ordering: .relaxed)
        repeatedInterruptKills.store(kills, ordering: .relaxed)
        handle(SIGINT)
    }

    /// Handles SIGTERM as Ctrl-C (and then leave) instead of dying on the spot, for the prompt and scripts:
    /// the run stops at its next step and its transcript is written. (The Jupyter kernel keeps the default:
    /// its manager's SIGTERM ends it.)
    public static func installTermination() {
        _ = interruptRequested.load(ordering: .relaxed)
        _ = terminationRequested.load(ordering: .relaxed)
        handle(SIGTERM)
    }

    /// Routes `signal` to handleInterrupt, with SA_RESTART.
    private static func handle(_ signal: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handleInterrupt
        #else
        action.__sigaction_u.__sa_handler = handleInterrupt
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(signal, &action, nil)
    }

    /// True once SIGTERM arrived: stop what runs, then leave (exit status 143, as shells report it).
    public static var isTerminating: Bool {
        terminationRequested.load(ordering: .sequentiallyConsistent)
    }

    /// How the interrupted run is reported, and its exit status: 130 for Ctrl-C, 143 for SIGTERM.
    public static var reason: (message: String, exitStatus: Int32) {
        isTerminating ? ("terminated by SIGTERM", 143) : ("interrupted by Ctrl-C", 130)
    }

    /// True after Ctrl-C until `clear()`; poll it once per training batch and stop early when set.
    public static var isRequested: Bool {
        interruptRequested.load(ordering: .sequentiallyConsistent)
    }

    /// Marks the interrupt as handled. The REPL clears before and after each evaluation.
    public static func clear() {
        interruptRequested.store(false, ordering: .sequentiallyConsistent)
    }

    /// Sets the flag as Ctrl-C would (for tests and for code that wants to cancel a running command).
    public static func request() {
        interruptRequested.store(true, ordering: .sequentiallyConsistent)
    }

    /// Forgets a SIGTERM (tests that send one to themselves).
    public static func clearTermination() {
        terminationRequested.store(false, ordering: .sequentiallyConsistent)
    }
}
