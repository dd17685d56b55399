#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory a session may hold: models, data sets and kNN distance blocks are checked against it before
/// they are allocated, so asking for too much is an error that gives the sizes instead of an abort ("failed to
/// allocate") that loses the session. The default comes from the machine; `set memory=2GB` changes it.
public enum MemoryBudget {
    /// Three quarters of what this process may use: the machine's memory, or the container's limit (cgroup) when
    /// lower; at least 256 MB.
    public static let machineDefault: Int = {
        var total = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? FileContents.read(path, limit: 64),
               let limit = Int(String(decoding: text, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == " " }).first ?? ""),
               limit > 0, limit < total {
                total = limit
            }
        }
        return max(256 << 20, total / 4 * 3)
    }()

    /// "2GB", "512 MB", "1.5g", "4096M", "100000000" (bytes); nil for anything else. Units are powers of 1024.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " && $0 != "_" }.lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count)
        guard let value = Double(digits), value.isFinite, value >= 0 else { return nil }
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1024
        case "m", "mb", "mib": scale = 1024 * 1024
        case "g", "gb", "gib": scale = 1024 * 1024 * 1024
        case "t", "tb", "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * scale
        guard bytes < Double(Int.max / 2) else { return nil }
        return Int(bytes)
    }
}

/// Asking for more than the budget leaves: what, how much, and how the budget stands.
public struct MemoryBudgetExceeded: Error, Equatable, Sendable, CustomStringConvertible {
    public var what: String
    public var needed: Int
    public var inUse: Int
    public var limit: Int

    public init(what: String, needed: Int, inUse: Int, limit: Int) {
        self.what = what
        self.needed = needed
        self.inUse = inUse
        self.limit = limit
    }

    public var description: String {
        "\(what) needs \(NumberText.bytes(needed)), but the memory budget is \(NumberText.bytes(limit))"
            + (inUse > 0 ? " and \(NumberText.bytes(inUse)) of it are in use" : "")
    }
}
