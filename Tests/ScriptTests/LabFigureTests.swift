import Foundation
import TestSupport
import XCTest
@testable import Script
import Transcript

/// The lab script run as a student runs it (on a small stand-in for MNIST, so no download and seconds,
/// not minutes): every figure it produces is well-formed SVG, the notebook is valid, the HTML page parses
/// as HTML, and two runs give the same bytes in every format.
final class LabFigureTests: XCTestCase {
    static let labScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../labs/lab1-mnist.nnl").standardized.path

    func testLabTranscriptsFiguresAndReproducibility() throws {
        let scratch = Scratch()
        scratch.syntheticMNIST(train: 600, test: 200)
        let source = try String(contentsOfFile: LabFigureTests.labScript, encoding: .utf8)
            .replacingOccurrences(of: "lab1-mlp.safetensors", with: scratch.file("lab1-mlp.safetensors"))
        let script = scratch.write("lab1-mnist.nnl", source)
        let formats = ["ipynb", "html", "md", "txt"]
        var runs: [[String: Data]] = []
        try withEnvironment("NNLAB_DATA", scratch.path) {
            // The first load converts the CSV files: what it does goes to the terminal, the cell says once
            // where the data came from. Later loads read the cache, so the runs below match.
            let (status, cells) = quietInterpreter().runSource("load mnist", file: "first.nnl")
            XCTAssertEqual(status, 0)
            let output = cells.first?.output ?? ""
            XCTAssertEqual(output.components(separatedBy: "loaded MNIST (").count, 2, output)
            XCTAssertTrue(output.contains("converted to IDX in"), output)
            XCTAssertFalse(output.contains("converting"), "progress notes stay out of the cell: \(output)")
            for run in 0..<2 {
                let folder = scratch.file("run\(run)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                var files: [String: Data] = [:]
                for format in formats {
                    let status = quietInterpreter().runScript(path: script, options: RunOptions(transcriptPath: folder + "/lab1.\(format)", timing: false))
                    XCTAssertEqual(status, 0, "lab run \(run) to .\(format)")
                    files["lab1.\(format)"] = FileManager.default.contents(atPath: folder + "/lab1.\(format)")
                }
                for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/lab1_files") {
                    files["lab1_files/" + name] = FileManager.default.contents(atPath: folder + "/lab1_files/" + name)
                }
                runs.append(files)
            }
        }
        XCTAssertEqual(runs[0].keys.sorted(), runs[1].keys.sorted())
        for name in runs[0].keys.sorted() {
            XCTAssertEqual(runs[0][name], runs[1][name], "\(name) differs between two runs with the same seed")
        }
        let notebookSize = runs[0]["lab1.ipynb"]?.count ?? 0
        XCTAssertLessThan(notebookSize, 2_000_000, "the lab notebook stays small")

        let folder = scratch.file("run0")
        let (status, output) = python("""
            import sys, os, glob, xml.etree.ElementTree as ET, nbformat, html5lib
            folder = sys.argv[1]
            nb = nbformat.read(os.path.join(folder, "lab1.ipynb"), as_version=4)
            nbformat.validate(nb)
            svgs, texts = [], []
            for cell in nb.cells:
                for out in cell.get("outputs", []):
                    if out.output_type == "display_data":
                        assert set(out.data) == {"image/svg+xml", "text/plain"}, out.data.keys()
                        svgs.append(out.data["image/svg+xml"])
                    elif out.output_type == "stream":
                        texts.append(out.text)
            for svg in svgs:
                root = ET.fromstring(svg)
                assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
            files = sorted(glob.glob(os.path.join(folder, "lab1_files", "*.svg")))
            assert len(files) == len(svgs), (len(files), len(svgs))
            for path in files:
                ET.parse(path)
            page = open(os.path.join(folder, "lab1.html"), "rb").read()
            document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
            assert len(document.findall(".//figure")) == len(svgs)
            chatter = [t for t in texts if "fetching" in t or "failed:" in t or "converting" in t]
            assert not chatter, chatter
            loaded = [t for t in texts if "loaded MNIST (" in t]
            assert len(loaded) == 1 and "(cache " in loaded[0], texts[:3]
            print(len(svgs), "figures")
            """, folder)
        XCTAssertEqual(status, 0, output)
        // One figure per chart the lab draws: class counts, samples, an image, its pixels, loss, accuracy,
        // per-class accuracy, confusion matrix, mistakes, a prediction, and two runs overlays.
        XCTAssertTrue(output.hasPrefix("12 figures"), output)
    }
}

/// `file=PATH.svg` on the chart commands: the same figure the cell shows, written to a file of its own.
final class FigureFileTests: XCTestCase {
    func testChartCommandsWriteTheirFigure() throws {
        let scratch = Scratch()
        scratch.syntheticMNIST(train: 200, test: 60)
        try withEnvironment("NNLAB_DATA", scratch.path) {
            let interpreter = quietInterpreter()
            let setup = "seed 1\nload mnist\nmlp 784 16 10\ntrain epochs=1 batch=32\n"
            XCTAssertEqual(interpreter.runSource(setup, file: "setup.nnl").0, 0)
            let commands = [
                "plot loss": "loss", "plot history": "history", "show samples 4": "samples", "show image 3": "image",
                "show pixels 3": "pixels", "confusion": "confusion", "mistakes 4": "mistakes", "predict 0": "predict",
                "per_class": "per_class",
            ]
            for (command, name) in commands.sorted(by: { $0.key < $1.key }) {
                let path = scratch.file("\(name).svg")
                let (status, cells) = interpreter.runSource("\(command) file=\"\(path)\"", file: "f.nnl")
                XCTAssertEqual(status, 0, "\(command): \(cells.first?.error?.message ?? "")")
                let written = try String(contentsOfFile: path, encoding: .utf8)
                let figures = cells.first?.outputs.compactMap { output -> Figure? in
                    if case .figure(let figure) = output { return figure } else { return nil }
                } ?? []
                XCTAssertEqual(figures.count, 1, "\(command): one figure")
                XCTAssertEqual(figures.first?.svg, written, "\(command): the file holds the figure the cell shows")
                XCTAssertTrue(cells.first?.output.contains("figure written to \(path)\n") == true, command)
            }
        }
    }

    func testPlaygroundPicturesAreFiguresToo() throws {
        let scratch = Scratch()
        let interpreter = quietInterpreter()
        XCTAssertEqual(interpreter.runSource("seed 2\nload toy xor n=80\nmlp 2 4 2 act=tanh\ntrain epochs=3 batch=8\n", file: "s.nnl").0, 0)
        for command in ["plot boundary", "plot network", "plot neurons"] {
            let path = scratch.file(command.replacingOccurrences(of: " ", with: "_") + ".svg")
            let (status, cells) = interpreter.runSource("\(command) file=\"\(path)\"", file: "p.nnl")
            XCTAssertEqual(status, 0, "\(command): \(cells.first?.error?.message ?? "")")
            let figures = cells.first?.outputs.compactMap { output -> Figure? in
                if case .figure(let figure) = output { return figure } else { return nil }
            } ?? []
            XCTAssertEqual(figures.count, 1, command)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), figures.first?.svg, command)
        }
    }

    func testBadFileNamesAreCaughtBeforeTheWork() {
        let scratch = Scratch()
        let session = ErrorCatalogueTests.Session()
        _ = session.output(of: "load toy circle n=40\nmlp 2 4 2\ntrain epochs=1")
        XCTAssertEqual(session.output(of: "plot loss file=loss.png"), "")
        XCTAssertTrue(session.errors.contains("file= takes an SVG file name, found 'loss.png'"), session.errors)
        _ = session.output(of: "confusion file=\"\(scratch.path)/missing/c.svg\"")
        XCTAssertTrue(session.errors.contains("the folder '\(scratch.path)/missing' does not exist"), session.errors)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/missing"))
        _ = session.output(of: "show samples 3 file=s.svg")
        XCTAssertTrue(session.errors.contains("not images"), "a command's own error still comes first when the file is fine: \(session.errors)")
    }
}

/// `record start FILE` keeps figures as figures in every format it writes.
final class RecordFiguresTests: XCTestCase {
    func testRecordingToHTMLAndMarkdownKeepsTheFigures() throws {
        let scratch = Scratch()
        for name in ["session.html", "session.md"] {
            let interpreter = quietInterpreter()
            let path = scratch.file(name)
            for input in ["record start \"\(path)\"", "load toy xor n=40", "mlp 2 4 2", "train epochs=2", "plot loss", "record stop"] {
                XCTAssertFalse(interpreter.runInteractive(input).hadError, input)
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if name.hasSuffix(".html") {
                XCTAssertTrue(text.contains("<figure>\n<svg xmlns="), text)
            } else {
                XCTAssertTrue(text.contains("](session_files/figure-1.svg)"), text)
                XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.file("session_files/figure-1.svg")))
            }
        }
    }
}
