import Foundation
import XCTest
import Datasets
import ModelFormat
import NeuralNet
import TensorCore
import Transcript

/// The file readers' fuzz targets (Fuzz/data-fuzz, model-fuzz, notebook-fuzz) in the ordinary test run: every
/// input of their seed corpora goes through the same readers, and the inputs fuzzing found a problem with stay
/// here as regression tests once fixed. (Long fuzzing campaigns are not part of the tests: scripts/fuzz.sh.)
final class FileFuzzRegressionTests: XCTestCase {
    /// The repository's Fuzz folder, found from this file's path.
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    func corpus(_ name: String) throws -> [(String, [UInt8])] {
        let folder = Self.fuzzFolder.appendingPathComponent(name)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertFalse(names.isEmpty, "empty corpus \(name)")
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    /// As Fuzz/data-fuzz does: an even first byte reads the rest as IDX (maybe gzip), an odd one as CSV.
    func readData(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        var content = Array(input.dropFirst())
        if Gzip.isGzip(content) {
            guard let inflated = try? Gzip.decompress(content, file: "f.gz", limit: 16 << 20) else { return }
            content = inflated
        }
        if selector % 2 == 0 {
            guard let array = try? IDX.parse(content, file: "f") else { return }
            _ = try? ImageSetLoader.images(content, file: "f")
            _ = try? ImageSetLoader.labels(content, count: array.dims.first ?? 0, classCount: 10, file: "f")
            XCTAssertEqual(try? IDX.parse(IDX.encode(array), file: "again"), array)
        } else {
            let columns = ["0", "-1", "1", "label", "class", " 2 "]
            guard var first = try? CSV.parseLabeled(content, file: "f.csv", labelColumn: columns[Int(selector / 2) % columns.count],
                                                    name: "f") else { return }
            XCTAssertEqual(first.features.count, first.count * first.featureCount)
            var second = first.subset(0..<(first.count / 2 + 1))
            _ = LabeledData.sharingClasses(&first, &second)
            XCTAssertEqual(first.classNames, second.classNames)
        }
    }

    /// As Fuzz/model-fuzz does: a file that loads saves to bytes that load again as the same layers.
    func readModel(_ bytes: [UInt8]) {
        guard let file = try? SafetensorsModel(bytes: bytes) else { return }
        var rng = SeededRandom(seed: 1)
        guard let network = try? file.network(named: "fuzz", rng: &rng, maxParameters: 200_000) else { return }
        var again = SeededRandom(seed: 1)
        let reread = try? SafetensorsModel(bytes: SafetensorsModel.encode(network, metadata: file.metadata))
            .network(named: "fuzz", rng: &again, maxParameters: 200_000)
        XCTAssertEqual(reread?.layers.map(\.spec), network.layers.map(\.spec))
    }

    /// As Fuzz/notebook-fuzz does: a notebook that reads renders to one that reads, with the same sources.
    func readNotebook(_ bytes: [UInt8]) {
        guard let notebook = try? NotebookReader.parse(bytes) else { return }
        let header = TranscriptHeader(version: "fuzz", script: "fuzz.ipynb", seed: nil, data: [], timing: false, startedAt: nil)
        let rendered = Transcript(header: header, cells: notebook.transcriptCells).render(.notebook)
        XCTAssertEqual(try? NotebookReader.parse(Array(rendered.utf8)).cells.map(\.source), notebook.cells.map(\.source))
    }

    func testSeedCorporaGoThroughTheReaders() throws {
        for (_, input) in try corpus("corpus-data") { readData(input) }
        for (_, input) in try corpus("corpus-model") { readModel(input) }
        for (_, input) in try corpus("corpus-notebook") { readNotebook(input) }
    }
}
