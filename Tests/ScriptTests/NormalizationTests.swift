import Foundation
import XCTest
import Datasets
@testable import Script

/// `normalize=standard` uses each data set's own statistics.
final class NormalizationTests: XCTestCase {
    /// `normalize=standard` on a CSV used MNIST's constants; now the training file's own mean and std, never the
    /// test file's, printed when loaded and by `data`.
    func testCSVStandardisationUsesTheTrainingFilesStatistics() throws {
        let scratch = Scratch()
        let train = scratch.write("train.csv", "label,x\n0,0\n0,2\n1,4\n1,6\n")
        let test = scratch.write("test.csv", "label,x\n0,100\n1,200\n")
        let i = quietInterpreter()
        let (_, hadError) = i.runInteractive("load csv \"\(train)\" label=label test=\"\(test)\" normalize=standard")
        XCTAssertFalse(hadError, i.lastOutput)
        XCTAssertTrue(i.lastOutput.contains("normalize=standard: (x - 3) / 2.2361, the mean and std of the training file"), i.lastOutput)
        let std = Float(5).squareRoot()
        XCTAssertEqual(i.normalization, .standardScore(mean: 3, std: std))
        let trainValues = try XCTUnwrap(i.train).features, testValues = try XCTUnwrap(i.test).features
        for (value, raw) in zip(trainValues, [0, 2, 4, 6] as [Float]) { XCTAssertEqual(value, (raw - 3) / std, accuracy: 1e-5) }
        for (value, raw) in zip(testValues, [100, 200] as [Float]) { XCTAssertEqual(value, (raw - 3) / std, accuracy: 1e-4) }
        _ = i.runInteractive("data")
        XCTAssertTrue(i.lastOutput.contains("normalized: (x - 3) / 2.2361 (the training set's mean and std)"), i.lastOutput)
        // Values drawn or measured on the raw scale (`show pixels`, `distance`) come back through the same map.
        XCTAssertEqual(DataCommands.rawPixels(i, trainValues[1...1]).first ?? 0, 2, accuracy: 1e-5)
    }

    /// MNIST keeps PyTorch's customary 0.1307/0.3081, Fashion-MNIST gets its own 0.2860/0.3530 (both from small
    /// IDX files written here, found through $NNLAB_DATA: no network).
    func testImageSetsUseTheirOwnConstants() throws {
        let scratch = Scratch()
        for set in ["mnist", "fashion-mnist"] {
            let dir = scratch.file(set)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (prefix, count) in [("train", 4), ("t10k", 2)] {
                let pixels = (0..<(count * 784)).map { UInt8($0 % 256) }
                let images = idx([UInt32(count), 28, 28]) + pixels
                let labels = idx([UInt32(count)]) + (0..<count).map { UInt8($0 % 10) }
                _ = FileManager.default.createFile(atPath: dir + "/\(prefix)-images-idx3-ubyte", contents: Data(images))
                _ = FileManager.default.createFile(atPath: dir + "/\(prefix)-labels-idx1-ubyte", contents: Data(labels))
            }
        }
        let saved = ProcessInfo.processInfo.environment["NNLAB_DATA"]
        setenv("NNLAB_DATA", scratch.path, 1)
        defer { if let saved { setenv("NNLAB_DATA", saved, 1) } else { unsetenv("NNLAB_DATA") } }

        let i = quietInterpreter()
        for (line, expected, shown) in [("load mnist", Normalization.mnistStandard, "(x/255 - 0.1307) / 0.3081"),
                                        ("load fashion-mnist normalize=standard", Normalization.fashionMNISTStandard, "(x/255 - 0.286) / 0.353"),
                                        ("load fashion-mnist normalize=unit", Normalization.unit, "[0, 1] (x/255)")] {
            let (_, hadError) = i.runInteractive(line + "\ndata")
            XCTAssertFalse(hadError, i.lastOutput)
            XCTAssertEqual(i.normalization, expected, line)
            XCTAssertTrue(i.lastOutput.contains(shown), i.lastOutput)
        }
        XCTAssertEqual(Normalization.mnistStandard, .standard(mean: 0.1307, std: 0.3081))
        XCTAssertEqual(Normalization.fashionMNISTStandard, .standard(mean: 0.2860, std: 0.3530))
    }

    private func idx(_ dims: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dims.count)]
        for d in dims { bytes += [UInt8(d >> 24), UInt8((d >> 16) & 0xff), UInt8((d >> 8) & 0xff), UInt8(d & 0xff)] }
        return bytes
    }
}
