import Foundation
import XCTest

/// Compares `actual` with Tests/ChartsTests/Snapshots/<name>.<fileExtension> (default `txt`) exactly.
///
/// The expected text is read from the test bundle's copy (Bundle.module). With NNLAB_RECORD_SNAPSHOTS=1 the
/// snapshot is rewritten in the source tree (the path comes from #filePath, never the bundle copy). A missing
/// snapshot is recorded and the test fails, so a new snapshot is always looked at before it is trusted.
func assertSnapshot(_ actual: String, named name: String, fileExtension: String = "txt",
                    file: StaticString = #filePath, line: UInt = #line) {
    let sourceURL = URL(fileURLWithPath: "\(file)")
        .deletingLastPathComponent()
        .appendingPathComponent("Snapshots", isDirectory: true)
        .appendingPathComponent(name + "." + fileExtension)
    // Text snapshots get a final newline; an SVG document already ends with one.
    let recorded = fileExtension == "txt" ? actual + "\n" : actual

    if ProcessInfo.processInfo.environment["NNLAB_RECORD_SNAPSHOTS"] == "1" {
        do {
            try recorded.write(to: sourceURL, atomically: true, encoding: .utf8)
        } catch {
            XCTFail("could not record snapshot \(sourceURL.path): \(error)", file: file, line: line)
        }
        return
    }

    let bundled = Bundle.module.url(forResource: name, withExtension: fileExtension, subdirectory: "Snapshots")
    let candidates = [bundled, sourceURL].compactMap { $0 }
    guard let expected = candidates.lazy.compactMap({ try? String(contentsOf: $0, encoding: .utf8) }).first else {
        do {
            try recorded.write(to: sourceURL, atomically: true, encoding: .utf8)
            XCTFail("snapshot '\(name)' was missing; recorded it at \(sourceURL.path). Look at it, then re-run.",
                    file: file, line: line)
        } catch {
            XCTFail("snapshot '\(name)' is missing and could not be recorded at \(sourceURL.path): \(error)",
                    file: file, line: line)
        }
        return
    }
    guard expected != recorded else { return }

    let expectedLines = expected.components(separatedBy: "\n")
    let actualLines = recorded.components(separatedBy: "\n")
    let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(expectedLines.count, actualLines.count)
    let expectedLine = firstDifference < expectedLines.count ? expectedLines[firstDifference] : "(end of snapshot)"
    let actualLine = firstDifference < actualLines.count ? actualLines[firstDifference] : "(end of output)"
    XCTFail("""
        snapshot '\(name)' differs at line \(firstDifference + 1)
          expected: \(expectedLine)
          actual:   \(actualLine)
        Re-record with NNLAB_RECORD_SNAPSHOTS=1 if the change is intended. Full output:
        \(recorded)
        """, file: file, line: line)
}
