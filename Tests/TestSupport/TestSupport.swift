import Foundation
import XCTest

// What several test targets share: golden files and Python. A library target of its own (no tests), so each
// test target imports it rather than keeping a copy.

/// Compares `actual` with the golden file `Golden/<name>` beside the calling test file, exactly.
///
/// With NNLAB_RECORD_GOLDEN=1 the file is rewritten instead (in the source tree: the path comes from #filePath).
/// A missing golden file is recorded and the test fails, so a new file is always read before it is trusted.
/// Read the diff of a re-recorded file before committing it.
public func assertGolden(_ actual: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Golden", isDirectory: true)
    let url = folder.appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["NNLAB_RECORD_GOLDEN"] == "1"
    let existing = recording ? nil : try? String(contentsOf: url, encoding: .utf8)
    guard let expected = existing else {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url, options: .atomic)
        } catch {
            return XCTFail("could not record golden file \(url.path): \(error)", file: file, line: line)
        }
        if !recording { XCTFail("golden file \(name) was missing; recorded it at \(url.path). Read it, then run again.", file: file, line: line) }
        return
    }
    guard actual != expected else { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
    XCTFail("""
        \(name) differs from its golden file at line \(first + 1)
          golden: \(first < e.count ? String(e[first]) : "(end of file)")
          actual: \(first < a.count ? String(a[first]) : "(end of output)")
        Re-record with NNLAB_RECORD_GOLDEN=1 if the change is intended. Full output:
        \(actual)
        """, file: file, line: line)
}

/// Runs `python3 -c code arguments...`; returns its exit status and its output (stdout and stderr together).
/// A missing Python or module is a failure of the caller's assertion, never a skip, so CI cannot pass silently.
public func python(_ code: String, _ arguments: String...) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (127, "cannot run python3: \(error)") }
    // Read before waiting, so a chatty child cannot block on a full pipe.
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
