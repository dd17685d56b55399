import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGINT handler, read by the REPL and by training loops. An atomic is lock-free, so touching
/// it from a signal handler is async-signal-safe.
private let interruptRequested = Atomic<Bool>(false)
/// False in the Jupyter kernel: a second interrupt there must not kill the session and its models.
private let repeatedInterruptKills = Atomic<Bool>(true)

/// The SIGINT handler: records the request; a second Ctrl-C before the first was handled (a command
/// that never polls) falls back to the default action, so the user can always get out.
private let handleInterrupt: @convention(c) (Int32) -> Void = { signalNumber in
    if interruptRequested.exchange(true, ordering: .sequentiallyConsistent) && repeatedInterruptKills.load(ordering: .relaxed) {
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
    }
}

/// Ctrl-C handling shared by the prompt and long-running commands: instead of killing the process,
/// SIGINT sets a flag that the REPL and training loops poll.
public enum Interrupt {
    /// Installs our own SIGINT handler (sigaction). SA_RESTART keeps ordinary reads and writes from
    /// failing with EINTR; the interactive prompt waits in pselect, which a signal always interrupts.
    /// `repeatedInterruptKills` false keeps the process alive through any number of interrupts (a kernel,
    /// whose client sends SIGINT and must never lose the session).
    public static func install(repeatedInterruptKills kills: Bool = true) {
        // Touch the globals first: their lazy initialisation must not happen inside the signal handler.
        _ = interruptRequested.load(ordering: .relaxed)
        repeatedInterruptKills.store(kills, ordering: .relaxed)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handleInterrupt
        #else
        action.__sigaction_u.__sa_handler = handleInterrupt
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
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
}
