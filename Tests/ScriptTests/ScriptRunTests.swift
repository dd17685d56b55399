import Foundation
import NeuralNet
typealias NeuralNetLinear = NeuralNet.Linear
import TestSupport
import XCTest
@testable import Script
import Transcript

/// Whole scripts: cells, transcripts in three formats, reproducibility, failing cells.
final class ScriptRunTests: XCTestCase {
    private func script(_ scratch: Scratch) -> String {
        let (train, test) = scratch.blobs()
        return """
        # %% [markdown]
        # # Blobs
        # Two clusters and a small network.

        # %% Setup
        seed 7
        load csv "\(train)" label=label test="\(test)"
        data

        # %% Model
        mlp 2 4 2 act=tanh
        summary
        optimizer sgd lr=0.1 momentum=0.9

        # %% Train
        train epochs=3 batch=8
        eval test
        plot loss
        """
    }

    /// Scratch paths differ between runs; goldens hold a fixed placeholder.
    private func normalised(_ text: String, _ scratch: Scratch) -> String {
        text.replacingOccurrences(of: scratch.path, with: "$TMP")
    }

    func testTranscriptsMatchGoldenFilesAndAreReproducible() throws {
        let scratch = Scratch()
        let source = scratch.write("blobs.nnl", script(scratch))
        let formats = ["md", "txt", "ipynb", "html"]
        var renders: [[String]] = []
        for run in 0..<2 {
            // Each run in a folder of its own, with the same file names, so the files compare byte for byte.
            let folder = scratch.file("run\(run)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var outputs: [String] = []
            for ext in formats {
                // A fresh interpreter per format retrains from the same seed.
                let interpreter = quietInterpreter()
                XCTAssertEqual(interpreter.runScript(path: source, options: RunOptions(transcriptPath: folder + "/blobs.\(ext)", timing: false)), 0)
                outputs.append(try String(contentsOfFile: folder + "/blobs.\(ext)", encoding: .utf8))
            }
            for figure in ["figure-1.svg", "figure-2.svg"] {
                outputs.append(try String(contentsOfFile: folder + "/blobs_files/" + figure, encoding: .utf8))
            }
            renders.append(outputs)
        }
        XCTAssertEqual(renders[0], renders[1], "same seed, --no-timing: byte-identical transcripts and figures")
        assertGolden(normalised(renders[0][0], scratch), named: "blobs.md")
        assertGolden(normalised(renders[0][1], scratch), named: "blobs.txt")
        XCTAssertTrue(renders[0][1].contains("epoch 3/3"))
        XCTAssertFalse(renders[0][1].contains(" s/epoch"), "no timings with --no-timing")
        XCTAssertTrue(renders[0][0].contains("![loss (cross\\_entropy)](blobs_files/figure-2.svg)"), renders[0][0])
        XCTAssertTrue(renders[0][4].hasPrefix("<svg ") && renders[0][5].hasPrefix("<svg "), "figures written beside the .md")
        XCTAssertTrue(renders[0][3].contains("<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\""), "figures inline in HTML")
    }

    func testNotebookIsValidNbformatWithOutputsAndCounts() throws {
        let scratch = Scratch()
        let source = scratch.write("blobs.nnl", script(scratch) + "\n\n# %% Broken\ntrian epochs=1\n")
        let nb = scratch.file("blobs.ipynb")
        let status = quietInterpreter().runScript(path: source, options: RunOptions(transcriptPath: nb, timing: false))
        XCTAssertEqual(status, 1, "the failing cell makes the run fail")
        let (code, output) = python("""
        import sys, nbformat
        nb = nbformat.read(sys.argv[1], as_version=4)
        nbformat.validate(nb)
        assert nb.nbformat == 4 and nb.nbformat_minor == 5, (nb.nbformat, nb.nbformat_minor)
        kinds = [c.cell_type for c in nb.cells]
        assert kinds == ["markdown", "code", "code", "code", "code"], kinds
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == [1, 2, 3, 4], [c.execution_count for c in code]
        assert any("epoch 3/3" in o.get("text", "") for o in code[2].outputs), code[2].outputs
        err = code[3].outputs[-1]
        assert err.output_type == "error" and "unknown command 'trian'" in err.evalue, err
        assert nb.metadata.nnlab.seed == 7, nb.metadata.nnlab
        assert len(nb.metadata.nnlab.data) == 2 and all(len(d["sha256"]) == 64 for d in nb.metadata.nnlab.data)
        print("ok")
        """, nb)
        XCTAssertEqual(code, 0, "nbformat check failed (python3 -m pip install nbformat):\n\(output)")
    }

    func testFailingCellKeepsTranscriptAndAllowErrorsGoesOn() throws {
        let scratch = Scratch()
        let source = scratch.write("e.nnl", "# %% one\nprint \"before\"\n# %% two\nmlp 3 4 2\nlayer linear 5 2\n# %% three\nprint \"after\"\n")
        let out = scratch.file("e.txt")
        XCTAssertEqual(quietInterpreter().runScript(path: source, options: RunOptions(transcriptPath: out, timing: false)), 1)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.contains("before"))
        XCTAssertTrue(text.contains("e.nnl:5:14: error: linear 5 2 expects 5 inputs but receives 2"), text)
        XCTAssertFalse(text.contains("after"), "stops at the failing cell")
        XCTAssertEqual(quietInterpreter().runScript(path: source, options: RunOptions(transcriptPath: out, timing: false, allowErrors: true)), 1)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).contains("after"), "--allow-errors runs later cells")
    }

    func testLectureParameterCountsAndLabModel() {
        let i = quietInterpreter()
        for (sizes, count) in [("3 4 2", "26"), ("3 4 4 1", "41"), ("784 128 64 10", "109,386")] {
            _ = i.runInteractive("mlp \(sizes)\nsummary")
            XCTAssertTrue(i.lastOutput.contains("total: \(count) parameters"), sizes)
        }
    }

    func testLoopsVariablesAndInterpolation() {
        let i = quietInterpreter()
        let (_, hadError) = i.runInteractive("""
        let total = 0
        for lr in [0.1, 0.01]
          let total = total + lr
          print "lr={lr}" total
        end
        print total * 2 - 1
        """)
        XCTAssertFalse(hadError)
        XCTAssertEqual(i.lastOutput, "lr=0.1 0.1\nlr=0.01 0.11\n-0.78\n")
    }

    func testRunsTableAndOverlaidCurvesOfASweep() throws {
        let scratch = Scratch()
        let (train, test) = scratch.blobs()
        let i = quietInterpreter()
        i.showTiming = false
        let (_, hadError) = i.runInteractive("""
        seed 3
        load csv "\(train)" test="\(test)"
        for lr in [0.1, 0.001]
          mlp 2 4 2 name=sweep
          optimizer sgd lr=lr momentum=0.9
          train epochs=3 batch=8
          eval test
        end
        mlp 2 4 2 act=tanh name=other
        optimizer adam
        let tag = 3
        train epochs=2 label="adam {tag}"
        train epochs=1
        """)
        XCTAssertFalse(hadError, i.lastOutput)
        _ = i.runInteractive("runs")
        let table = i.lastOutput.split(separator: "\n").map(String.init)
        guard table.count == 6 else { return XCTFail("expected a 6-line table:\n\(i.lastOutput)") }
        XCTAssertEqual(table[0], "#  label     model       optimizer                  epochs    loss  train acc  test acc")
        XCTAssertTrue(table[2].hasPrefix("1  lr=0.1    2-4-2 relu  sgd lr=0.1 momentum=0.9         3  "), table[2])
        XCTAssertTrue(table[3].hasPrefix("2  lr=0.001  2-4-2 relu  sgd lr=0.001 momentum=0.9       3  "), table[3])
        // A second 'train' of the same model extends its row: 3 epochs, label kept, no test accuracy yet.
        XCTAssertTrue(table[4].hasPrefix("3  adam 3    2-4-2 tanh  adam lr=0.001                   3  "), table[4])
        XCTAssertTrue(table[4].hasSuffix("-"), table[4])
        XCTAssertTrue(table[5].hasPrefix("best: #1 lr=0.1 (test accuracy "), table[5])
        XCTAssertTrue(table[2].hasSuffix("100.00%"), "well-separated blobs: \(table[2])")

        _ = i.runInteractive("plot runs last=2")
        XCTAssertTrue(i.lastOutput.contains("training loss per run"))
        XCTAssertTrue(i.lastOutput.contains("#2 lr=0.001") && i.lastOutput.contains("#3 adam 3"), i.lastOutput)
        XCTAssertFalse(i.lastOutput.contains("#1 lr=0.1"), "last=2 leaves the first run out")
        func errorMessage(_ line: String) -> String {
            do { try i.execute(Parser.parse(line).statements) } catch { return error.message }
            return "no error"
        }
        XCTAssertEqual(errorMessage("plot runs metric=val_acc"), "no run has validation accuracies")
        XCTAssertEqual(errorMessage("plot runs lst=2"), "unknown option 'lst' for 'plot'")
        _ = i.runInteractive("runs clear")
        XCTAssertEqual(i.lastOutput, "cleared 3 runs\n")
        XCTAssertEqual(errorMessage("runs"), "no runs yet")
    }

    func testSaveAndLoadModelRoundTripAndPythonSafetensorsReadsIt() throws {
        let scratch = Scratch()
        let (train, test) = scratch.blobs()
        let path = scratch.file("model.safetensors")
        let i = quietInterpreter()
        let (_, hadError) = i.runInteractive("""
        seed 3
        load csv "\(train)" test="\(test)"
        mlp 2 5 2
        train epochs=2 batch=4
        save model "\(path)"
        eval test
        """)
        XCTAssertFalse(hadError, i.lastOutput)
        let before = i.lastOutput.split(separator: "\n").last.map(String.init) ?? ""
        let j = quietInterpreter()
        _ = j.runInteractive("load csv \"\(train)\" test=\"\(test)\"\nload model \"\(path)\"\neval test")
        let after = j.lastOutput.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(before, after, "the loaded model evaluates exactly like the saved one")
        XCTAssertTrue(before.hasPrefix("test: accuracy"))
        let (code, output) = python("""
        import sys
        from safetensors.numpy import load_file
        from safetensors import safe_open
        t = load_file(sys.argv[1])
        assert sorted(t) == ["0.bias", "0.weight", "2.bias", "2.weight"], sorted(t)
        assert t["0.weight"].shape == (5, 2) and t["2.weight"].shape == (2, 5), {k: v.shape for k, v in t.items()}
        meta = safe_open(sys.argv[1], "np").metadata()
        assert meta["layers"] == "linear 2 5; relu; linear 5 2", meta
        print(repr(float(t["0.weight"][1, 0])))
        """, path)
        XCTAssertEqual(code, 0, "python safetensors check failed (python3 -m pip install safetensors numpy):\n\(output)")
        // PyTorch's layout: weight[out][in]. Compare one entry with nnlab's own W[in][out].
        if let net = j.current?.network, let first = net.layers.first as? NeuralNetLinear {
            let value = Double(first.weightAt(input: 0, output: 1))
            XCTAssertEqual(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan, value, accuracy: 1e-6)
        } else {
            XCTFail("no linear layer after load")
        }
    }
}
