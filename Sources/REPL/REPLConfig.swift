import Foundation

public struct REPLConfig: Sendable {
    public var prompt: String
    public var continuationPrompt: String
    /// Where history persists; nil disables it. Default: `~/.nnlab_history`, overridden by `NNLAB_HISTORY`
    /// (empty disables).
    public var historyFile: String?
    /// How many history entries to keep, in memory and in the file.
    public var historyLimit: Int
    /// Printed once before the first prompt, only when reading from a terminal.
    public var banner: String?

    public init(prompt: String = "nnlab> ", continuationPrompt: String = "...> ",
                historyFile: String? = REPLConfig.defaultHistoryFile(), historyLimit: Int = 1000,
                banner: String? = nil) {
        self.prompt = prompt
        self.continuationPrompt = continuationPrompt
        self.historyFile = historyFile
        self.historyLimit = historyLimit
        self.banner = banner
    }

    /// `NNLAB_HISTORY` when set ("" means no history), else `$HOME/.nnlab_history`; nil without a home.
    public static func defaultHistoryFile(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let configured = environment["NNLAB_HISTORY"] {
            return configured.isEmpty ? nil : configured
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        guard !home.isEmpty else { return nil }
        return (home.hasSuffix("/") ? home : home + "/") + ".nnlab_history"
    }
}
