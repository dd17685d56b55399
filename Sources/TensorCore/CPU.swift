import CPlatform
#if canImport(Glibc)
import Glibc
#endif

/// What nnlab asks of the processor itself: its name, its vector features (cpuid), a spin-wait hint.
public enum CPU {
    /// Vector features the OS lets programs use (the register state is saved on a context switch).
    public struct Features: OptionSet, Sendable, CustomStringConvertible {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let sse2 = Features(rawValue: UInt32(NNLAB_CPU_SSE2))
        public static let avx = Features(rawValue: UInt32(NNLAB_CPU_AVX))
        public static let avx2 = Features(rawValue: UInt32(NNLAB_CPU_AVX2))
        public static let fma = Features(rawValue: UInt32(NNLAB_CPU_FMA))
        public static let avx512f = Features(rawValue: UInt32(NNLAB_CPU_AVX512F))
        public static let avx512bw = Features(rawValue: UInt32(NNLAB_CPU_AVX512BW))
        public static let avx512vl = Features(rawValue: UInt32(NNLAB_CPU_AVX512VL))
        public static let avx512dq = Features(rawValue: UInt32(NNLAB_CPU_AVX512DQ))
        public static let avx512cd = Features(rawValue: UInt32(NNLAB_CPU_AVX512CD))
        public static let avx512bf16 = Features(rawValue: UInt32(NNLAB_CPU_AVX512BF16))
        public static let neon = Features(rawValue: UInt32(NNLAB_CPU_NEON))
        /// What OpenBLAS's SkylakeX kernels and nnlab's AVX-512 kernels need.
        public static let avx512: Features = [.avx512f, .avx512bw, .avx512vl, .avx512dq, .avx512cd]

        public var description: String {
            let names: [(Features, String)] = [(.avx512f, "AVX-512F"), (.avx512bw, "BW"), (.avx512vl, "VL"), (.avx512dq, "DQ"),
                                               (.avx512cd, "CD"), (.avx512bf16, "BF16"), (.avx2, "AVX2"), (.fma, "FMA"),
                                               (.avx, "AVX"), (.sse2, "SSE2"), (.neon, "NEON")]
            let present = names.filter { contains($0.0) }.map(\.1)
            return present.isEmpty ? "no vector features detected" : present.joined(separator: " ")
        }
    }

    /// The features of the CPU this runs on.
    public static let features = Features(rawValue: nnlab_cpu_features())

    /// Whether one instruction does a fused multiply-add (x86-64's FMA, AArch64's NEON). Without it the kernels'
    /// fused multiply-adds are libm's `fmaf`: exact, but an order of magnitude slower.
    public static var hasFusedMultiplyAdd: Bool { !features.isDisjoint(with: [.fma, .neon]) }

    /// The CPU's name: its brand string, else /proc/cpuinfo's "model name", else the architecture.
    public static let name: String = {
        var buffer = [CChar](repeating: 0, count: 64)
        nnlab_cpu_brand(&buffer, Int32(buffer.count))
        let brand = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !brand.isEmpty { return brand }
        if let file = fopen("/proc/cpuinfo", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 512)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("model name") || text.hasPrefix("Model"), let colon = text.firstIndex(of: ":") {
                    return text[text.index(after: colon)...].trimmingCharacters(in: " \n\t")
                }
            }
        }
        #if arch(x86_64)
        return "x86-64 CPU"
        #elseif arch(arm64)
        return "aarch64 CPU"
        #else
        return "unknown CPU"
        #endif
    }()

    /// A spin-wait hint (x86 PAUSE, ARM YIELD), for a thread polling a flag another thread will set: it keeps
    /// the poll from starving the thread beside it on the same core.
    @inlinable @inline(__always)
    public static func spinPause() { nnlab_spin_pause() }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}

/// What runs nnlab's arithmetic on this machine, one line each: the CPU, the instruction set of nnlab's own
/// kernels, the BLAS and its kernel (`nnlab --version`, the benchmark's header).
public enum Platform {
    public static var report: [String] {
        ["CPU: \(CPU.name) (\(CPU.features))",
         "nnlab kernels: \(Kernels.instructionSet) (chosen at run time from the builds this CPU runs: "
            + Kernels.InstructionSet.allCases.filter(\.isAvailable).map(\.description).joined(separator: ", ") + ")"
            + (CPU.hasFusedMultiplyAdd ? "" : "; no FMA instruction: the kernels' fused multiply-adds are done in software, the larger products by the BLAS"),
         "BLAS: \(BLAS.backend)"]
    }
}
