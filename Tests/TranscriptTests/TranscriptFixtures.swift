import Foundation
import XCTest
import Transcript

/// Small transcripts that exercise every part of the renderers: titles, markdown, multi-line sources,
/// ANSI colour, progress redraws, errors, backticks in output, and text that needs JSON escaping.
enum TranscriptFixtures {
    static func lab(timing: Bool = false) -> Transcript {
        let header = TranscriptHeader(
            version: "0.1.0", script: "scripts/lab1-mnist.nnl", seed: 42,
            data: [
                DataChecksum(file: "train-images-idx3-ubyte.gz",
                             sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                DataChecksum(file: "t10k-labels-idx1-ubyte.gz",
                             sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
            ],
            timing: timing, startedAt: "2025-01-15T09:30:00Z")
        return Transcript(header: header, cells: [
            TranscriptCell(kind: .markdown, source: "# Lab 1: MNIST\n\nWe train a *small* MLP.\n"),
            TranscriptCell(kind: .code, title: "Setup", source: "seed 42\nload mnist train=1000\n",
                           output: "\u{1B}[32mloaded\u{1B}[0m 1000 training images\n", executionCount: 1),
            TranscriptCell(kind: .code, title: "Sweep",
                           source: "for lr in [0.1, 0.01]\n  train epochs=1\nend",
                           output: "\r[##   ] 40%\r[#####] 100%\nepoch 1 loss 0.52 acc 0.871\n",
                           executionCount: 2),
            TranscriptCell(kind: .code, source: "print \"```\"", output: "```\n", executionCount: 3),
            TranscriptCell(kind: .code, title: "Typo", source: "trian epochs=1",
                           error: CellError(name: "ScriptError",
                                            message: "lab.nnl:12:1: error: unknown command 'trian'",
                                            traceback: ["  trian epochs=1", "  ^~~~~", "did you mean 'train'?"]),
                           executionCount: 4),
        ])
    }

    /// A transcript whose strings need every kind of JSON escaping.
    static func tricky() -> Transcript {
        let header = TranscriptHeader(version: "0.1.0-\"beta\"", script: "dir\\with \"quotes\"/läb ⣿.nnl",
                                      seed: UInt64.max, data: [], timing: true, startedAt: "2025-01-15T09:30:00Z")
        return Transcript(header: header, cells: [
            TranscriptCell(kind: .code, title: "Tab\tand \"quote\"",
                           source: "print \"a\\tb\"\r\nprint 'ünï ⣿ 😀'\n\u{01}\u{1F}\u{7F}",
                           output: "a\tb\nünï ⣿ 😀\n\u{0C}form\u{08}\u{08}\n", executionCount: nil),
            TranscriptCell(kind: .markdown, source: "**bold** \\ back\\slash"),
            TranscriptCell(kind: .code, source: "", error: CellError(name: "Bad\"Name", message: "m\\n", traceback: [])),
        ])
    }

    /// A small SVG standing in for a chart (the Transcript module takes figures as given).
    static let lossSVG = """
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="40" height="20" viewBox="0 0 40 20" role="img" aria-label="loss">
        <title>loss</title>
        <rect width="40" height="20" fill="#ffffff"/>
        <polyline points="0,2 20,15 40,18" fill="none" stroke="#0072b2"/>
        </svg>

        """

    /// Cells whose outputs mix text and figures, and markdown that uses every construct the HTML renderer knows.
    static func withFigures() -> Transcript {
        let header = TranscriptHeader(version: "0.1.0", script: "lab <1>.nnl", seed: 1, data: [], timing: false)
        let pixels = """
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="2" height="2" viewBox="0 0 2 2">
            <title>pixels &amp; &lt;values&gt;</title>
            <rect width="2" height="2" fill="#ffffff"/>
            <rect x="1" y="1" width="1" height="1" fill="#000000"/>
            </svg>

            """
        return Transcript(header: header, cells: [
            TranscriptCell(kind: .markdown, source: """
                # Lab *one* — `figures`
                Text with **bold**, _emphasis_, snake_case_name, a [link](https://example.org/a?b=1&c=2),
                a [bad link](javascript:alert(1)) and <script>alert(1)</script>.

                - item one
                - item `two`

                1. first
                2. second

                ```
                code <b>
                ```
                > quoted
                """),
            TranscriptCell(kind: .code, title: "Curves", source: "train epochs=2\nplot loss", outputs: [
                .text("epoch 1 loss 0.5\r\u{1B}[2Kepoch 2 loss 0.3\n"),
                .figure(Figure(svg: lossSVG, text: "┌──┐\n│⠉⠒│ loss\n└──┘", caption: "loss (cross_entropy)")),
                .text("done <ok>\n"),
            ], executionCount: 1),
            TranscriptCell(kind: .code, source: "show pixels 0", outputs: [
                .figure(Figure(svg: pixels, text: "0 0\n0 255\n", caption: "pixels & <values>")),
            ], error: CellError(name: "ScriptError", message: "lab.nnl:3:1: error: x", traceback: ["  x", "  ^"]),
               executionCount: 2),
        ])
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnlab-transcript-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
