import CBLAS

/// What nnlab asks of the processor itself.
public enum CPU {
    /// A spin-wait hint (x86 PAUSE, ARM YIELD), for a thread polling a flag another thread will set: it keeps
    /// the poll from starving the thread beside it on the same core.
    @inlinable @inline(__always)
    public static func spinPause() { nnlab_spin_pause() }
}
