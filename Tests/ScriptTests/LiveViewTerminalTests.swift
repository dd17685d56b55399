import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `train live=true` in the real binary at a pseudo-terminal (40 rows, 100 columns): frames replace each other by
/// moving the cursor up, never by clearing the screen; Ctrl-C stops, erases the frames, leaves the last frame and
/// keeps the model.
final class LiveViewTerminalTests: XCTestCase {
    func testLiveTrainingRedrawsInPlaceAndCtrlCKeepsTheModel() throws {
        guard FileManager.default.isExecutableFile(atPath: PseudoTerminalTests.binary) else {
            throw XCTSkip("no nnlab binary at \(PseudoTerminalTests.binary): build it first (swift build)")
        }
        let scratch = Scratch()
        let t = try Terminal(executable: PseudoTerminalTests.binary, arguments: [], environment: [
            "HOME": scratch.path, "NNLAB_HISTORY": scratch.file("history"), "TERM": "xterm", "LANG": "C.UTF-8",
            "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
        ])
        defer { t.kill() }
        try t.expect("nnlab> ")
        t.send("seed 3; load toy spiral noise=0; mlp 2 8 8 2 act=tanh; optimizer adam lr=0.01\r")
        try t.expect("nnlab> ")
        // 5,000 epochs at 25 frames a second would take minutes: Ctrl-C comes first.
        t.send("train epochs=5000 batch=10 live=true every=5\r")
        // Four frames, however slowly a loaded machine draws them, then Ctrl-C. (Waiting for frames, never
        // counting how many arrive in some time: the frames are paced by the clock.)
        for _ in 0..<4 { try t.expect("(Ctrl-C stops and keeps the model)") }
        t.send("\u{03}")
        try t.expect("the model keeps its current weights")
        try t.expect("nnlab> ")
        let screen = t.transcript
        XCTAssertNotNil(screen.range(of: "\u{1B}\\[[0-9]+A", options: .regularExpression), "the cursor moves up over the frame")
        XCTAssertFalse(screen.contains("\u{1B}[2J") || screen.contains("\u{1B}[H"), "the screen is never cleared")
        XCTAssertTrue(screen.contains("\u{1B}[?25h"), "the cursor is shown again")
        XCTAssertTrue(screen.contains("'mlp' after epoch "), "the last frame stays")
        // The model trained for a while and is still there.
        t.send("eval train\r")
        let evaluated = try t.expect("nnlab> ")
        XCTAssertTrue(evaluated.contains("train: accuracy"), evaluated)
        t.send("\u{04}")
        XCTAssertEqual(try t.waitForExit(), 0)
    }
}
